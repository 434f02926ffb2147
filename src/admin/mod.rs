//! Administration: least-privilege roles (`roles`) and the managed local cluster (`local`).

pub mod local;
pub mod roles;
