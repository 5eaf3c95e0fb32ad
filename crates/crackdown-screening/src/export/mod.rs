//! Per-case exports.
