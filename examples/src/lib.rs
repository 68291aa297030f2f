//! Models shared by the example programs in `src/bin/`.
//!
//! `orm-cli create-all --models examples/src` reads these same structs from source.

pub mod models;
