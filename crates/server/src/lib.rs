//! storyfold server (being built).
#![deny(missing_docs)]
