//! What several behaviour tests share.

use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` on its own thread and fails if it takes longer than `limit`, so that a hang
/// fails the test instead of stalling the suite. A panic in `f` is the test's panic.
pub(crate) fn within(limit: Duration, f: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        f();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => worker.join().expect("the test body panicked"),
        // The body panicked (the sender is gone): report its panic.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(payload) = worker.join() {
                std::panic::resume_unwind(payload);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("hung: no result within {limit:?}"),
    }
}
