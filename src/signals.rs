//! Signals: Ctrl-C (SIGINT) and SIGTERM (what Slurm sends at a time limit) stop the work
//! the same way; the exit code says which (130 or 143).

use std::sync::atomic::{AtomicBool, Ordering};

/// The run was cut short by Ctrl-C (exit code 130) or SIGTERM (143); what finished has
/// been written.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Set by Ctrl-C (SIGINT) or SIGTERM: replications under way finish, no new one starts.
static STOP: AtomicBool = AtomicBool::new(false);
/// Set by SIGTERM (what Slurm sends at a time limit): exit code 143 instead of 130.
static TERMINATED: AtomicBool = AtomicBool::new(false);

/// Whether the work was stopped by SIGTERM (exit 143) rather than Ctrl-C (exit 130).
pub fn terminated() -> bool {
    TERMINATED.load(Ordering::SeqCst)
}

/// SIGTERM handler: only atomic stores, which are async-signal-safe.
extern "C" fn on_sigterm(_: nix::libc::c_int) {
    TERMINATED.store(true, Ordering::SeqCst);
    STOP.store(true, Ordering::SeqCst);
}

/// Stops the work on the first Ctrl-C or SIGTERM (replications under way finish, no new
/// one starts, what finished is written); a second Ctrl-C exits at once (every output file
/// is written atomically, so none is half-written).
pub fn stop_on_signals() -> &'static AtomicBool {
    let installed = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\ninterrupt: finishing the replications under way; Ctrl-C again to quit at once"
        );
    });
    if installed.is_err() {
        // A handler is already installed (library use or tests): keep going without one.
    }
    use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
    let action = SigAction::new(
        SigHandler::Handler(on_sigterm),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler only stores to atomics, which is async-signal-safe.
    if unsafe { sigaction(Signal::SIGTERM, &action) }.is_ok() {
        // The message cannot be printed from the handler: a thread watches the flag.
        std::thread::spawn(|| {
            while !TERMINATED.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            eprintln!(
                "\nterminate (SIGTERM): finishing the replications under way; what finished is kept"
            );
        });
    }
    &STOP
}
