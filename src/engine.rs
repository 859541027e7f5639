//! The real-time side: the SysEx message type the plugin framework carries (a small handle into a
//! preallocated pool) and the counters that make every rejection visible.

pub mod capture;
pub mod conversation;
pub mod counters;
pub mod pool;
pub mod ports;
pub mod sender;
pub mod store;
pub mod worker;
