//! A firmware send inside the plugin: the file planned by the core ([`FirmwarePlan`]), the
//! synth asked who it is (a file for another maker or model is refused, nothing sent), then the
//! whole file as one job at the firmware pacing, which the send panel shows with the time left
//! and can cancel (a cut message is ended with `F7`).

use super::PluginLink;
use crate::devices::Registry;
use crate::firmware::FirmwarePlan;
use crate::pacing::Pacing;
use crate::store::{Level, LibraryStore, WorkerRequest};
use crate::sysex::{universal, SysEx};
use crate::transfer::Link;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the synth has to answer the identity request.
const IDENTITY_WAIT: Duration = Duration::from_secs(2);

/// Checks and sends firmware file `label`, logging each step.
pub(super) fn send(
    store: &Arc<LibraryStore>,
    link: &mut PluginLink,
    reg: &Registry,
    label: &str,
    messages: Vec<Vec<u8>>,
) {
    let plan = match FirmwarePlan::new(reg, messages) {
        Ok(p) => p,
        Err(e) => {
            store.log(Level::Error, format!("Firmware \"{label}\" not sent: {e}"));
            return;
        }
    };
    match identity(link) {
        Err(e) => {
            store.log(Level::Error, format!("Firmware \"{label}\" not sent: {e}"));
            return;
        }
        Ok(Some(reply)) => {
            if let Err(e) = plan.check_identity(reg, &reply) {
                store.log(Level::Error, format!("Firmware \"{label}\": {e}"));
                return;
            }
            store.log(
                Level::Info,
                format!("The synth answers as {}: sending \"{label}\"", plan.target),
            );
        }
        Ok(None) => store.log(
            Level::Warning,
            format!(
                "No identity reply within {} s: \"{label}\" could not be checked against the synth; sending",
                IDENTITY_WAIT.as_secs()
            ),
        ),
    }
    store.log(
        Level::Info,
        format!(
            "Firmware \"{label}\" for {}: {} message(s), {} bytes, pacing {}, about {:.0} s",
            plan.target,
            plan.messages.len(),
            plan.bytes,
            plan.pacing_from,
            plan.seconds
        ),
    );
    let before = link.outcomes();
    let seconds = plan.seconds;
    if !store.request(WorkerRequest::SendRaw {
        label: format!("firmware {label}"),
        messages: plan.messages,
        pacing: plan.pacing,
    }) {
        store.log(Level::Error, "The plugin is not active".into());
        return;
    }
    // The job's own outcome ends the wait (sent, cancelled with the message ended, or failed,
    // each logged by the sender), as does a cancel (the plugin closing must not wait for the
    // file); the limit only guards against a sender that never runs.
    let limit = Instant::now() + Duration::from_secs_f64(seconds * 2.0 + 30.0);
    while link.outcomes() == before && !link.cancelled() && Instant::now() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends a universal identity request (all-call) and waits for the reply; `None` when the synth
/// does not answer in time.
fn identity(link: &mut PluginLink) -> Result<Option<Vec<u8>>, String> {
    link.pacing = Pacing::DIN;
    link.drain();
    link.send(&universal::identity_request(universal::ALL_CALL))?;
    let end = Instant::now() + IDENTITY_WAIT;
    while let Some(m) = link.receive(end.saturating_duration_since(Instant::now())) {
        let reply = SysEx::new(&m).ok().and_then(|s| universal::decode(&s));
        if matches!(reply, Some(universal::Universal::IdentityReply(_))) {
            return Ok(Some(m));
        }
    }
    if link.cancelled() {
        return Err(crate::transfer::CANCELLED.into());
    }
    Ok(None)
}
