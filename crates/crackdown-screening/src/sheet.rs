//! Offline screening sheets.
