//! What the standard prelude would give: the crate is `no_std`, with `alloc`, so that the
//! WebAssembly build carries no standard-library panic and formatting machinery.
//!
//! `format!` and `ToString` are left out on purpose: both go through `core::fmt`. Build text with
//! `cat!`, `String::from`, `to_owned` and `text::num` instead.
#![allow(unused_imports)]

pub(crate) use crate::core::text::cat;
pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::string::String;
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
