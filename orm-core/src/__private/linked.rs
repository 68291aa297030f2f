//! The link section of registered models. The derive places each registered model's
//! [`ModelState`] `static` in it, and the linker gathers those of every crate of the
//! binary into one array between two symbols: the model's one `static` is its
//! registration (what `inventory` or `linkme` do, without their per-model code).
//!
//! - ELF (Linux, Android, Fuchsia, the BSDs): the section `orm_models`, between the
//!   `__start_orm_models` and `__stop_orm_models` the linker defines.
//! - illumos and Solaris: the same for the section `set_orm_models` (their linker defines
//!   the bounds only for sections named `set_*`).
//! - Apple's platforms: `__DATA,__orm_models`, between `section$start$__DATA$__orm_models`
//!   and `section$end$…`, which the linker defines.
//! - Windows: the linker sorts the parts of `.orm_models$…` by what follows `$`: the
//!   models are in `$b`, between a `static` here in `$a` and one in `$c`.
//!
//! The derive wraps each registered model's `static` in [`__registered!`](crate::__registered),
//! which gives it these sections, so that the names are written once, here. On other
//! targets no model is registered, and `create_all` says so.
//!
//! CI runs on Linux (and `tests/no_models.rs` checks a binary without models links);
//! the other platforms follow what their linkers document, as `linkme` does.
//!
//! Every element is a `ModelState`, so the array has no gaps: its size is a multiple of
//! its alignment, and the compiler may not raise the alignment of a `static` that has a
//! section of its own.

// The one place the workspace allows `unsafe`: only the linker knows the array's bounds.
#![allow(unsafe_code)]

use super::ModelState;

/// A registered model's `static` state, in the link section of this target (see the
/// module's documentation). One macro call in each model's expansion rather than these
/// attributes: the derive's tokens cost the compiler more than a macro's.
#[doc(hidden)]
#[macro_export]
macro_rules! __registered {
    ($state:item) => {
        #[used]
        #[cfg_attr(
            any(
                target_os = "linux",
                target_os = "android",
                target_os = "fuchsia",
                target_os = "freebsd",
                target_os = "openbsd",
                target_os = "netbsd",
                target_os = "dragonfly",
            ),
            unsafe(link_section = "orm_models")
        )]
        #[cfg_attr(
            any(target_os = "illumos", target_os = "solaris"),
            unsafe(link_section = "set_orm_models")
        )]
        #[cfg_attr(
            target_vendor = "apple",
            unsafe(link_section = "__DATA,__orm_models,regular,no_dead_strip")
        )]
        #[cfg_attr(windows, unsafe(link_section = ".orm_models$b"))]
        $state
    };
}

// ELF: the linker defines the bounds of a section named like a C identifier; illumos's
// and Solaris's only for one named `set_*`.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "fuchsia",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "solaris",
))]
mod section {
    use super::ModelState;

    pub(super) const SUPPORTED: bool = true;

    unsafe extern "Rust" {
        #[cfg_attr(
            not(any(target_os = "illumos", target_os = "solaris")),
            link_name = "__start_orm_models"
        )]
        #[cfg_attr(
            any(target_os = "illumos", target_os = "solaris"),
            link_name = "__start_set_orm_models"
        )]
        static START: [ModelState; 0];
        #[cfg_attr(
            not(any(target_os = "illumos", target_os = "solaris")),
            link_name = "__stop_orm_models"
        )]
        #[cfg_attr(
            any(target_os = "illumos", target_os = "solaris"),
            link_name = "__stop_set_orm_models"
        )]
        static STOP: [ModelState; 0];
    }

    /// Makes the section exist in a binary without models, where the linker would
    /// otherwise not define its bounds.
    #[used]
    #[cfg_attr(
        not(any(target_os = "illumos", target_os = "solaris")),
        unsafe(link_section = "orm_models")
    )]
    #[cfg_attr(
        any(target_os = "illumos", target_os = "solaris"),
        unsafe(link_section = "set_orm_models")
    )]
    static NONE: [ModelState; 0] = [];

    pub(super) fn bounds() -> (*const ModelState, *const ModelState) {
        (
            (&raw const START).cast::<ModelState>(),
            (&raw const STOP).cast::<ModelState>(),
        )
    }
}

#[cfg(target_vendor = "apple")]
mod section {
    use super::ModelState;

    pub(super) const SUPPORTED: bool = true;

    unsafe extern "Rust" {
        #[link_name = "\u{1}section$start$__DATA$__orm_models"]
        static START: [ModelState; 0];
        #[link_name = "\u{1}section$end$__DATA$__orm_models"]
        static STOP: [ModelState; 0];
    }

    pub(super) fn bounds() -> (*const ModelState, *const ModelState) {
        (
            (&raw const START).cast::<ModelState>(),
            (&raw const STOP).cast::<ModelState>(),
        )
    }
}

#[cfg(windows)]
mod section {
    use std::mem::MaybeUninit;

    use super::ModelState;

    pub(super) const SUPPORTED: bool = true;

    // Not zero-sized: some code generators give a zero-sized `static` bytes in a COFF
    // section, which would shift the array.
    #[unsafe(link_section = ".orm_models$a")]
    static START: MaybeUninit<ModelState> = MaybeUninit::uninit();
    #[unsafe(link_section = ".orm_models$c")]
    static STOP: MaybeUninit<ModelState> = MaybeUninit::uninit();

    pub(super) fn bounds() -> (*const ModelState, *const ModelState) {
        (
            (&raw const START).cast::<ModelState>().wrapping_add(1),
            (&raw const STOP).cast::<ModelState>(),
        )
    }
}

// Elsewhere: no section, no model.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "fuchsia",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "solaris",
    target_vendor = "apple",
    windows,
)))]
mod section {
    use super::ModelState;

    pub(super) const SUPPORTED: bool = false;

    pub(super) fn bounds() -> (*const ModelState, *const ModelState) {
        let none = std::ptr::NonNull::<ModelState>::dangling()
            .as_ptr()
            .cast_const();
        (none, none)
    }
}

/// Whether models are registered on this target.
pub(super) const SUPPORTED: bool = section::SUPPORTED;

/// The registered models' states, in the linker's order.
pub(super) fn states() -> &'static [ModelState] {
    let (start, stop) = section::bounds();
    let len = (stop.addr() - start.addr()) / size_of::<ModelState>();
    // SAFETY: the linker placed between the two bounds the section's contents, which are
    // the `ModelState` statics the derive put there, one after the other, each
    // initialized at compile time and never moved or freed (and where there is no
    // section, both bounds are one aligned pointer: an empty slice).
    unsafe { std::slice::from_raw_parts(start, len) }
}
