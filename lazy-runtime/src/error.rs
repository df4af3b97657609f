//! The error a failed force reports.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::key::Key;
use crate::names;

/// Why a value could not be computed.
///
/// Cheap to clone: a failure is shared by every value that depended on the failed task.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Arc<ErrorInner>);

#[derive(PartialEq, Eq)]
struct ErrorInner {
    task: String,
    key: Key,
    kind: ErrorKind,
}

/// What went wrong, as reported by [`Error::kind`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The task's function panicked with this message.
    Panicked(String),
    /// The scheduler returned without running the task (a bug in a user-provided scheduler).
    NotRun,
    /// The task is a conditional whose branch needed more conditionals' branches forced one
    /// inside the other than the limit allows (this many): unbounded recursion through a
    /// lazy `if`, most likely. The limit is `scheduling::max_depth`.
    TooDeep(u32),
}

impl Error {
    pub(crate) fn panicked(task: &str, key: Key, payload: &(dyn Any + Send)) -> Error {
        if let Some(e) = payload.downcast_ref::<Error>() {
            // A nested force inside the task failed: report the original failure.
            return e.clone();
        }
        Error::new(task, key, ErrorKind::Panicked(panic_message(payload)))
    }

    pub(crate) fn new(task: &str, key: Key, kind: ErrorKind) -> Error {
        Error(Arc::new(ErrorInner {
            task: names::readable(task),
            key,
            kind,
        }))
    }

    /// The name of the task that failed: the function's path, or the operation's name,
    /// with the module paths of its generic arguments left out (`add<(Array1<f64>,
    /// Array1<f64>)>`, `app::parse<String>`).
    ///
    /// When a task fails because one of its inputs failed, this names the input's task: the
    /// place where something actually went wrong.
    #[must_use]
    pub fn task(&self) -> &str {
        &self.0.task
    }

    /// The structural key of the failed task.
    #[must_use]
    pub fn key(&self) -> Key {
        self.0.key
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The panic message, if the task panicked.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        match &self.0.kind {
            ErrorKind::Panicked(m) => Some(m),
            ErrorKind::NotRun | ErrorKind::TooDeep(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ErrorKind::Panicked(m) => {
                write!(
                    f,
                    "task `{}` ({}) panicked: {m}",
                    self.0.task,
                    self.0.key.short()
                )
            }
            ErrorKind::NotRun => write!(
                f,
                "task `{}` ({}) was not run by the scheduler",
                self.0.task,
                self.0.key.short()
            ),
            ErrorKind::TooDeep(limit) => write!(
                f,
                "task `{}` ({}) recursed through more than {limit} nested lazy conditionals: \
                 unbounded recursion? (raise the limit with `scheduling::set_max_depth` or \
                 LAZY_MAX_DEPTH)",
                self.0.task,
                self.0.key.short()
            ),
        }
    }
}

/// Reads as the error's parts: `Error { task: "app::parse", key: 3f2a9c1d, kind:
/// Panicked("bad digit") }`.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("task", &self.0.task)
            .field("key", &format_args!("{}", self.0.key.short()))
            .field("kind", &self.0.kind)
            .finish()
    }
}

impl std::error::Error for Error {}

/// The message a panic carried: its `&str` or `String` payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("non-string panic payload")
    }
}

#[cfg(test)]
mod tests {
    use super::{Error, ErrorKind};
    use crate::key::Key;

    #[test]
    fn debug_shows_the_task_the_short_key_and_what_went_wrong() {
        let key = Key::unique();
        let error = Error::new(
            "app::parse<alloc::string::String>",
            key,
            ErrorKind::Panicked(String::from("bad digit")),
        );
        assert_eq!(
            format!("{error:?}"),
            format!(
                "Error {{ task: \"app::parse<String>\", key: {}, kind: Panicked(\"bad digit\") }}",
                key.short()
            )
        );
        assert_eq!(error.task(), "app::parse<String>");
    }
}
