//! Administration: least-privilege roles (`roles`), the managed local cluster (`local`), where the
//! PostgreSQL programs are (`pgbin`) and backups on pg_dump/pg_restore (`backup`).

pub mod backup;
pub mod local;
pub mod pgbin;
pub mod roles;
