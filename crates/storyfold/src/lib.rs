//! storyfold storyfold (being built).
#![deny(missing_docs)]
