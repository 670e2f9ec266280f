//! Shared by the fuzz targets (included with `#[path]`; not a target itself).

use std::sync::OnceLock;

/// `FUZZ_VERBOSE=1` prints what each input gave (to check seeds or replay an artifact).
pub fn verbose() -> bool {
    static V: OnceLock<bool> = OnceLock::new();
    *V.get_or_init(|| std::env::var_os("FUZZ_VERBOSE").is_some())
}
