//! The `forceplan` command. All logic lives in the library; this binary parses the command
//! line, prints, and maps errors to exit codes (0 success, 2 bad input or usage, 1 internal,
//! 130 interrupted by Ctrl-C, 143 by SIGTERM, with the finished replications written).

mod cli;
mod signals;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<signals::Interrupted>().is_some() => {
            ExitCode::from(if signals::terminated() { 143 } else { 130 })
        }
        Err(e) => {
            let user = e
                .downcast_ref::<forceplan::Error>()
                .is_some_and(forceplan::Error::is_user_error);
            eprintln!("error: {e:#}");
            ExitCode::from(if user { 2 } else { 1 })
        }
    }
}
