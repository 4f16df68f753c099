//! Bounded stack use for the recursive walks over plan expressions.
//!
//! The parser's tree builder, the checker and the lowering recurse once per level of an
//! expression. The plan limits (docs/language.md §14) bound that depth, but not the bytes per
//! level: a debug build's frames are many times a release build's, and a host may call from a
//! thread with a small stack (Rust spawns threads with 2 MiB; Node workers and some Python
//! hosts give less). So each recursive step goes through [`guard`], which checks the stack left
//! and, when it is below [`RED_ZONE`], continues on a fresh heap-allocated segment of
//! [`SEGMENT`] bytes (the `stacker` crate, as rustc does). Memory stays bounded because the
//! depth is: at most one segment per [`SEGMENT`] bytes of frames actually used.

/// Stack that must be left before a recursive step runs in place: far more than the largest
/// frame of one step in a debug build (a few KiB), with margin for what a step calls.
#[cfg_attr(target_family = "wasm", allow(dead_code))] // used by stacker only
pub(crate) const RED_ZONE: usize = 128 * 1024;

/// Size of each new segment.
#[cfg_attr(target_family = "wasm", allow(dead_code))] // used by stacker only
pub(crate) const SEGMENT: usize = 1024 * 1024;

/// Runs `f`, first moving to a new stack segment if less than [`RED_ZONE`] is left.
#[inline]
pub(crate) fn guard<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(not(target_family = "wasm"))]
    {
        stacker::maybe_grow(RED_ZONE, SEGMENT, f)
    }
    #[cfg(target_family = "wasm")]
    {
        f()
    }
}

/// Runs `f` with at least `need` bytes of stack: in place when that much is left, else on a
/// new segment of `need` bytes. For pest's parse, which recurses inside generated code where
/// [`guard`] cannot reach.
pub(crate) fn with_stack<R>(need: usize, f: impl FnOnce() -> R) -> R {
    #[cfg(not(target_family = "wasm"))]
    {
        stacker::maybe_grow(need, need, f)
    }
    #[cfg(target_family = "wasm")]
    {
        let _ = need;
        f()
    }
}
