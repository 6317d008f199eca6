//! storyfold worker (being built).
#![deny(missing_docs)]
