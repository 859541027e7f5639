//! The direct route's sender thread (see [`direct_sender`]).

use crate::audio::sender::{SendJob, SendShared};
use crate::background::ports;
use crate::store::{Level, LibraryStore};
use crossbeam_channel::Receiver;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The direct route's sender thread: one job at a time, paced like the audio thread, with the
/// gap kept across jobs. A cancel drops the job in flight (after its current message) and the
/// queue; a program change interrupts older jobs; closing the route (its `closing` flag, which
/// also ends the port's waits) stops before the next piece, ending a cut message with F7, drops
/// everything queued and closes the port within about a JACK period.
pub(super) fn direct_sender(
    mut out: ports::DirectOut,
    jobs: Receiver<SendJob>,
    send: Arc<SendShared>,
    store: Arc<LibraryStore>,
    closing: Arc<AtomicBool>,
) {
    let mut free_at = std::time::Instant::now();
    while let Ok(job) = jobs.recv() {
        if closing.load(Ordering::Acquire) {
            break;
        }
        // A cancel made after this job was queued drops it (a job queued after the cancel goes
        // ahead); a program change interrupts older jobs.
        let cancelled = || {
            send.cancel.load(Ordering::Relaxed) != job.cancel_generation
                || job.id < send.cancel_below.load(Ordering::Relaxed)
        };
        if cancelled() {
            send.jobs_cancelled.fetch_add(1, Ordering::Relaxed);
            send.finished(job.id);
            continue;
        }
        // On a direct port chunk pauses count too: the time left shown is the port's.
        send.start_job(
            job.id,
            job.messages.len() as u64,
            job.total_bytes,
            job.pacing
                .direct_total_seconds(job.messages.iter().map(Vec::len)),
        );
        let stop = || closing.load(Ordering::Acquire) || cancelled();
        // Inside a long message only the plugin closing or the user's Cancel stop it (a
        // program change waits for the message in flight).
        let cut = || {
            closing.load(Ordering::Acquire)
                || send.cancel.load(Ordering::Relaxed) != job.cancel_generation
        };
        let result = ports::send_paced(
            &mut out,
            &job.messages,
            job.pacing,
            &mut free_at,
            stop,
            cut,
            |m, b, t| send.progress(m as u64, b, t),
        );
        send.job_id.store(0, Ordering::Relaxed);
        send.finished(job.id);
        match result {
            Ok(r) if r.cancelled => {
                send.jobs_cancelled.fetch_add(1, Ordering::Relaxed);
                store.log(
                    Level::Warning,
                    match r.cut {
                        Some((m, b)) => format!(
                            "\"{}\" cancelled in message {} after {b} bytes (ended with F7)",
                            job.label,
                            m + 1
                        ),
                        None => format!(
                            "\"{}\" cancelled after {} message(s)",
                            job.label, r.messages
                        ),
                    },
                );
            }
            Ok(r) => {
                send.jobs_done.fetch_add(1, Ordering::Relaxed);
                let secs = r.starts.last().copied().unwrap_or(0.0);
                store.log(
                    Level::Info,
                    format!(
                        "Sent \"{}\": {} message(s) in {secs:.2} s",
                        job.label, r.messages
                    ),
                );
            }
            Err(e) => {
                send.jobs_failed.fetch_add(1, Ordering::Relaxed);
                store.log(
                    Level::Error,
                    format!("Send of \"{}\" stopped: {e}", job.label),
                )
            }
        }
    }
    let dropped = jobs.try_iter().count();
    if dropped > 0 {
        send.jobs_cancelled
            .fetch_add(dropped as u64, Ordering::Relaxed);
    }
    // Give the last message time to leave the backend's queue before the port closes.
    out.wait_drained();
}
