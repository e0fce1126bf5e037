//! How an instance stores its attributes: typed slots (`SlotValue`, the
//! set-flags) and the instance dict (values inline over a shared key
//! table until it goes live; the keys a run-time class learns).

pub(crate) mod instance_dict;
pub(crate) mod name_key;
pub(crate) mod shared_keys;
pub(crate) mod slot;
