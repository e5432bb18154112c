//! What the standard prelude would give: the crate is `no_std`, with `alloc`, so that the
//! WebAssembly build carries no standard-library panic and formatting machinery.
#![allow(unused_imports)]

pub(crate) use crate::core::text::cat;
pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
