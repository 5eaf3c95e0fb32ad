//! The integration tests: one binary, a module per capability, driving the
//! real `crackdown` executable or the real router on a temporary store.

mod access;
mod api;
mod attacks;
mod campaign_graph;
mod channels;
mod demo;
mod fuzz_corpus;
mod import;
mod intake;
mod link;
mod lure;
mod public;
mod screening;
mod search;
mod share;
mod statements;
mod support;
mod taxii;
mod team;
mod trail;
mod trail_api;
mod ui;
mod watch;
