//! The integration tests: one binary, a module per capability, driving the
//! real `crackdown` executable or the real router on a temporary store.

mod access;
mod api;
mod import;
mod support;
mod trail;
