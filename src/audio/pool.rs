//! A process-wide, preallocated, reference-counted pool of SysEx bytes, and [`VaultSysEx`], the
//! 8-byte handle into it that nice-plug carries as the plugin's `SysExMessage`.
//!
//! Why: nice-plug stores every `NoteEvent` inline and preallocates `INPUT_EVENT_CAPACITY` of them,
//! and `SysExMessage::from_buffer` has no access to the plugin instance. An inline `[u8; N]`
//! would make every event `N` bytes (copied several times per event on the audio thread's
//! stack), so instead `from_buffer` copies the bytes into a slot of this pool and the event holds
//! only `(class, slot, length)`. Slots are reference counted: a clone (pass-through, keep-alive)
//! adds a reference, a drop removes one, and a slot is reused only at zero. Nothing here
//! allocates, locks or makes a syscall after [`init`].
//!
//! Slots come in size classes; a message takes the smallest free slot that fits and spills into
//! larger classes when its own class is full, so the pool is sized by bytes, not by a message
//! count. Every page is written once when the pool is created (8.5 MiB resident per process), so
//! the audio thread never takes a page fault on a slot's first use.

use std::borrow::{Borrow, BorrowMut};
use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::OnceLock;

pub use crate::sysex::MAX_MESSAGE_LEN;

/// `(slot size in bytes, slot count)` of each size class, smallest first.
pub const CLASSES: [(usize, usize); 4] = [
    (512, 1024),
    (8 << 10, 256),
    (128 << 10, 16),
    (MAX_MESSAGE_LEN, 4),
];

/// Total bytes reserved by the pool (shared by every instance in the process).
pub const POOL_BYTES: usize = {
    let mut total = 0;
    let mut i = 0;
    while i < CLASSES.len() {
        total += CLASSES[i].0 * CLASSES[i].1;
        i += 1;
    }
    total
};

struct SizeClass {
    slot_len: usize,
    refs: Box<[AtomicU32]>,
    data: *mut u8,
    cursor: AtomicUsize,
}

/// The pool. One per process, created by [`init`].
pub struct Pool {
    classes: [SizeClass; 4],
}

// SAFETY: `data` points to leaked, never-freed memory. A slot's bytes are written only by the
// thread that claimed it (reference count 0 -> 1 with Acquire) before any handle is shared, and
// are immutable while the count is above zero; the last drop releases with Release ordering.
unsafe impl Send for Pool {}
// SAFETY: see above.
unsafe impl Sync for Pool {}

static POOL: OnceLock<Pool> = OnceLock::new();

/// Creates the pool if needed (allocates; call from a non-real-time thread, e.g. plugin
/// construction).
pub fn init() -> &'static Pool {
    POOL.get_or_init(|| Pool {
        classes: CLASSES.map(|(slot_len, count)| SizeClass {
            slot_len,
            refs: (0..count).map(|_| AtomicU32::new(0)).collect(),
            data: prefaulted(slot_len * count),
            cursor: AtomicUsize::new(0),
        }),
    })
}

/// Allocates `len` zeroed bytes for the pool, never freed, and writes one byte of every page so
/// the memory is resident before the audio thread first copies a message into it (a fresh
/// zeroed allocation is only mapped on first write, which would be a page fault inside
/// `process()`).
fn prefaulted(len: usize) -> *mut u8 {
    let data = Box::leak(vec![0u8; len].into_boxed_slice());
    for page in data.chunks_mut(4096) {
        // SAFETY: `page` is a valid, exclusive, non-empty slice; a volatile write keeps the
        // compiler from dropping a store of the value the memory already holds.
        unsafe { std::ptr::write_volatile(page.as_mut_ptr(), 0) };
    }
    data.as_mut_ptr()
}

impl Pool {
    /// Claims a slot of at least `len` bytes: `(class, slot)`.
    fn claim(&self, len: usize) -> Option<(u8, u16)> {
        for (ci, class) in self.classes.iter().enumerate() {
            if class.slot_len < len {
                continue;
            }
            let n = class.refs.len();
            let start = class.cursor.load(Ordering::Relaxed);
            for k in 0..n {
                let i = (start + k) % n;
                if class.refs[i]
                    .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    class.cursor.store(i + 1, Ordering::Relaxed);
                    return Some((ci as u8, i as u16));
                }
            }
        }
        None
    }

    fn slot_ptr(&self, class: u8, slot: u16) -> *mut u8 {
        let c = &self.classes[usize::from(class)];
        // SAFETY: slot < count, so the offset stays inside the class's allocation.
        unsafe { c.data.add(usize::from(slot) * c.slot_len) }
    }

    fn refs(&self, class: u8, slot: u16) -> &AtomicU32 {
        &self.classes[usize::from(class)].refs[usize::from(slot)]
    }
}

/// Framing of a refused message's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Framing {
    starts: bool,
    ends: bool,
}

/// Why a message did not get a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Longer than [`MAX_MESSAGE_LEN`].
    TooLong,
    /// Every slot large enough was in use.
    PoolFull,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Stored {
        class: u8,
        slot: u16,
    },
    /// Refused, with whether its bytes started with `F0` and ended with `F7` (so the plugin
    /// can tell a refused first fragment from a refused whole message).
    Rejected(Rejection, Framing),
}

/// The plugin's SysEx message: a handle to bytes in the pool, or a record of a message that was
/// rejected (so the plugin can count it; a rejected message is never passed on).
pub struct VaultSysEx {
    kind: Kind,
    len: u32,
}

impl VaultSysEx {
    /// Copies `bytes` into the pool. Never allocates.
    pub fn store(bytes: &[u8]) -> VaultSysEx {
        Self::store_framed(&[], bytes, &[])
    }

    fn store_framed(head: &[u8], body: &[u8], tail: &[u8]) -> VaultSysEx {
        let len = head.len() + body.len() + tail.len();
        let len32 = len.min(u32::MAX as usize) as u32;
        let framing = Framing {
            starts: head.first().or(body.first()) == Some(&0xF0),
            ends: tail.last().or(body.last()) == Some(&0xF7),
        };
        if len > MAX_MESSAGE_LEN {
            return Self::rejected(Rejection::TooLong, framing, len32);
        }
        let Some(pool) = POOL.get() else {
            return Self::rejected(Rejection::PoolFull, framing, len32);
        };
        let Some((class, slot)) = pool.claim(len) else {
            return Self::rejected(Rejection::PoolFull, framing, len32);
        };
        let dst = pool.slot_ptr(class, slot);
        // SAFETY: we hold the only reference to a slot of at least `len` bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(head.as_ptr(), dst, head.len());
            std::ptr::copy_nonoverlapping(body.as_ptr(), dst.add(head.len()), body.len());
            std::ptr::copy_nonoverlapping(
                tail.as_ptr(),
                dst.add(head.len() + body.len()),
                tail.len(),
            );
        }
        VaultSysEx {
            kind: Kind::Stored { class, slot },
            len: len32,
        }
    }

    /// The same message with `F0` (and `F7` if missing) added: for a data-only buffer that is a
    /// whole message whose framing the host stripped. Never allocates.
    pub fn reframed(&self) -> VaultSysEx {
        let bytes = self.bytes();
        let tail: &[u8] = if bytes.last() == Some(&0xF7) {
            &[]
        } else {
            &[0xF7]
        };
        Self::store_framed(&[0xF0], bytes, tail)
    }

    fn rejected(why: Rejection, framing: Framing, len: u32) -> VaultSysEx {
        VaultSysEx {
            kind: Kind::Rejected(why, framing),
            len,
        }
    }

    /// Whether this starts a message without finishing it (`F0` and no `F7`): what follows in
    /// the next events is its continuation. Also known for a refused message.
    pub fn opens_unfinished(&self) -> bool {
        match self.kind {
            Kind::Rejected(_, f) => f.starts && !f.ends,
            Kind::Stored { .. } => {
                let b = self.bytes();
                b.first() == Some(&0xF0) && b.last() != Some(&0xF7)
            }
        }
    }

    /// The pool size class this message's slot belongs to (`None` when refused).
    pub fn class(&self) -> Option<usize> {
        match self.kind {
            Kind::Stored { class, .. } => Some(usize::from(class)),
            Kind::Rejected(..) => None,
        }
    }

    /// The message bytes (empty for a rejected message).
    pub fn bytes(&self) -> &[u8] {
        match (self.kind, POOL.get()) {
            (Kind::Stored { class, slot }, Some(pool)) => {
                // SAFETY: this handle holds a reference, so the slot's bytes are immutable and
                // stay valid for as long as `self` lives.
                unsafe { std::slice::from_raw_parts(pool.slot_ptr(class, slot), self.len as usize) }
            }
            _ => &[],
        }
    }

    /// The message length in bytes (also for a rejected message).
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True for an empty message.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `Some` when the message was rejected, with the reason.
    pub fn rejection(&self) -> Option<Rejection> {
        match self.kind {
            Kind::Rejected(why, _) => Some(why),
            Kind::Stored { .. } => None,
        }
    }
}

impl Clone for VaultSysEx {
    fn clone(&self) -> Self {
        if let (Kind::Stored { class, slot }, Some(pool)) = (self.kind, POOL.get()) {
            pool.refs(class, slot).fetch_add(1, Ordering::Relaxed);
        }
        VaultSysEx {
            kind: self.kind,
            len: self.len,
        }
    }
}

impl Drop for VaultSysEx {
    fn drop(&mut self) {
        if let (Kind::Stored { class, slot }, Some(pool)) = (self.kind, POOL.get()) {
            pool.refs(class, slot).fetch_sub(1, Ordering::Release);
        }
    }
}

impl PartialEq for VaultSysEx {
    fn eq(&self, other: &Self) -> bool {
        self.rejection() == other.rejection()
            && self.len == other.len
            && self.bytes() == other.bytes()
    }
}

impl fmt::Debug for VaultSysEx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Stored { .. } => write!(f, "VaultSysEx({} bytes)", self.len),
            Kind::Rejected(why, _) => {
                write!(f, "VaultSysEx(rejected {why:?}, {} bytes)", self.len)
            }
        }
    }
}

/// The buffer nice-plug asks for when sending: another handle to the same slot, so the bytes stay
/// valid for as long as the host's copy of the pointer is used by the wrapper.
pub struct SysExBytes(VaultSysEx);

impl Borrow<[u8]> for SysExBytes {
    fn borrow(&self) -> &[u8] {
        self.0.bytes()
    }
}

impl BorrowMut<[u8]> for SysExBytes {
    /// Pool bytes are shared and immutable, so no mutable view is handed out: this is always an
    /// empty slice. nice-plug only reads output buffers.
    fn borrow_mut(&mut self) -> &mut [u8] {
        &mut []
    }
}

impl nice_plug::prelude::SysExMessage for VaultSysEx {
    type Buffer = SysExBytes;

    /// Stores `F0 …` buffers and data-only buffers verbatim: a data-only buffer is either a
    /// message whose host stripped the framing (VST3 hosts disagree on it) or the continuation
    /// of a message split over several events, and only the plugin, which sees the events in
    /// order, can tell which ([`VaultSysEx::reframed`]). Other status bytes are not SysEx.
    fn from_buffer(buffer: &[u8]) -> Option<Self> {
        match buffer.first()? {
            0xF0 | 0x00..=0x7F => Some(Self::store(buffer)),
            _ => None,
        }
    }

    fn as_buffer(&self) -> (Self::Buffer, usize) {
        (SysExBytes(self.clone()), self.bytes().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nice_plug::prelude::SysExMessage;

    #[test]
    fn store_clone_drop_reuses_slots() {
        let pool = init();
        let msg = VaultSysEx::from_buffer(&[0xF0, 0x43, 0x10, 0xF7]).unwrap();
        assert_eq!(msg.bytes(), &[0xF0, 0x43, 0x10, 0xF7]);
        let (buf, len) = msg.as_buffer();
        assert_eq!(&Borrow::<[u8]>::borrow(&buf)[..len], msg.bytes());
        let copy = msg.clone();
        drop(msg);
        drop(buf);
        assert_eq!(copy.bytes(), &[0xF0, 0x43, 0x10, 0xF7]);
        drop(copy);
        // Other tests run in parallel, so only check the pool still hands out slots.
        assert!(pool.claim(10).is_some());
    }

    #[test]
    fn framing_is_restored_and_status_bytes_refused() {
        init();
        let msg = VaultSysEx::from_buffer(&[0x7E, 0x7F, 0x06, 0x01]).unwrap();
        assert_eq!(msg.bytes(), &[0x7E, 0x7F, 0x06, 0x01]);
        assert_eq!(
            msg.reframed().bytes(),
            &[0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]
        );
        let msg = VaultSysEx::from_buffer(&[0x7E, 0x7F, 0x06, 0x01, 0xF7]).unwrap();
        assert_eq!(msg.reframed().len(), 6);
        assert!(VaultSysEx::from_buffer(&[0xF2, 0x00, 0x00]).is_none());
    }

    #[test]
    fn one_mebibyte_fits_and_more_is_rejected() {
        init();
        let mut big = vec![0x01u8; MAX_MESSAGE_LEN];
        big[0] = 0xF0;
        big[MAX_MESSAGE_LEN - 1] = 0xF7;
        let msg = VaultSysEx::store(&big);
        assert_eq!(msg.bytes(), &big[..]);
        big.push(0xF7);
        let msg = VaultSysEx::store(&big);
        assert_eq!(msg.rejection(), Some(Rejection::TooLong));
        assert_eq!(msg.len(), MAX_MESSAGE_LEN + 1);
        assert!(msg.bytes().is_empty());
    }

    #[test]
    fn a_refused_first_fragment_is_known_to_open_a_message() {
        init();
        let mut first = vec![0x01u8; MAX_MESSAGE_LEN + 10];
        first[0] = 0xF0;
        assert!(VaultSysEx::store(&first).opens_unfinished());
        first.push(0xF7);
        assert!(
            !VaultSysEx::store(&first).opens_unfinished(),
            "a whole message"
        );
        assert!(!VaultSysEx::store(&[0x01; 10]).opens_unfinished());
        assert!(VaultSysEx::store(&[0xF0, 0x01]).opens_unfinished());
    }

    #[test]
    fn handle_is_small() {
        assert_eq!(std::mem::size_of::<VaultSysEx>(), 8);
        assert_eq!(
            POOL_BYTES,
            512 * 1024 + 8192 * 256 + (128 << 10) * 16 + (1 << 20) * 4
        );
    }
}
