//! Matching a Universal SysEx identity reply (`F0 7E dev 06 02 mm ff ff dd dd vv vv vv vv F7`)
//! to the definition of the synth that sent it: a definition's `identity` bytes are the start
//! of what follows `06 02` (maker, then family and member codes as far as public facts give
//! them).

use super::{Definition, Registry};
use crate::sysex::message::SysEx;
use crate::sysex::universal::{self, IdentityReply, Universal};

/// An identity reply and the definition that claims it, if one does.
#[derive(Clone, Copy, Debug)]
pub struct IdentityMatch<'a> {
    /// The decoded reply.
    pub reply: IdentityReply,
    /// The definition whose `identity` bytes the reply starts with (the longest such prefix;
    /// ties go to the first definition: the user's before the shipped ones).
    pub definition: Option<&'a Definition>,
}

impl Registry {
    /// Decodes `msg` as an identity reply and finds the definition that claims it; `None` when
    /// `msg` is not an identity reply.
    pub fn match_identity_reply(&self, msg: &[u8]) -> Option<IdentityMatch<'_>> {
        let sysex = SysEx::new(msg).ok()?;
        let Some(Universal::IdentityReply(reply)) = universal::decode(&sysex) else {
            return None;
        };
        let after = &msg[5..msg.len() - 1];
        let mut best: Option<&Definition> = None;
        for d in self.all() {
            let Some(id) = d.identity.as_ref() else {
                continue;
            };
            if after.starts_with(id)
                && best.is_none_or(|b| b.identity.as_ref().is_some_and(|bi| id.len() > bi.len()))
            {
                best = Some(d);
            }
        }
        Some(IdentityMatch {
            reply,
            definition: best,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::devices::test_registry;
    use crate::sysex::universal::identity_request;
    use crate::sysex::universal::ALL_CALL;

    #[test]
    fn a_little_phatty_reply_names_its_definition_and_device() {
        // Moog 04, family 00 05, member 00 01, then four version bytes.
        let reply = [
            0xF0, 0x7E, 0x05, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04,
            0xF7,
        ];
        let m = test_registry().match_identity_reply(&reply).unwrap();
        assert_eq!(m.definition.unwrap().id, "moog-little-phatty");
        assert_eq!(m.reply.device_id.get(), 5);
        assert_eq!(m.reply.version, [1, 2, 3, 4]);
    }

    #[test]
    fn an_unknown_reply_decodes_without_a_definition() {
        let reply = [
            0xF0, 0x7E, 0x00, 0x06, 0x02, 0x7D, 0x01, 0x00, 0x02, 0x00, 0, 0, 0, 0, 0xF7,
        ];
        let m = test_registry().match_identity_reply(&reply).unwrap();
        assert!(m.definition.is_none());
        assert_eq!((m.reply.family, m.reply.model), (1, 2));
    }

    #[test]
    fn other_messages_are_not_replies() {
        let r = test_registry();
        assert!(r
            .match_identity_reply(&identity_request(ALL_CALL))
            .is_none());
        assert!(r
            .match_identity_reply(&[0xF0, 0x43, 0x20, 0x09, 0xF7])
            .is_none());
        assert!(r.match_identity_reply(&[0xF0, 0x7E]).is_none());
    }
}
