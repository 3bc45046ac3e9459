//! The upload store: where uploaded files live, addressed by server-chosen
//! keys that can never name a path. `UploadStore` is the seam for an object
//! store later; `FsStore` keeps files in one directory (`storage.dir`). A
//! leaf: tasks write and serve files, jobs read them, retention removes them.

mod fs;

use std::{fmt, io};

use tokio::io::AsyncWrite;
use uuid::Uuid;

pub use fs::FsStore;

/// The store the app runs with.
pub type Uploads = FsStore;

/// A stored file's name: a UUID, so a key is never a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageKey(Uuid);

impl StorageKey {
    pub fn generate() -> Self {
        Self(Uuid::new_v4())
    }

    /// Keys come back from the database; anything but a UUID is refused.
    pub fn parse(s: &str) -> io::Result<Self> {
        Uuid::try_parse(s)
            .map(Self)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "malformed storage key"))
    }
}

impl fmt::Display for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

pub trait UploadStore: Send + Sync {
    /// A file being written. Dropping it without `finish` discards it, so an
    /// upload cut off mid-stream (even by the client going away) leaves nothing.
    type Pending: AsyncWrite + Unpin + Send;
    type Reader: tokio::io::AsyncRead + Unpin + Send + 'static;

    fn create(&self, key: StorageKey) -> impl Future<Output = io::Result<Self::Pending>> + Send;
    /// Makes a pending file visible under its key, durably.
    fn finish(&self, pending: Self::Pending) -> impl Future<Output = io::Result<()>> + Send;
    /// The file and its length.
    fn open(&self, key: StorageKey)
    -> impl Future<Output = io::Result<(Self::Reader, u64)>> + Send;
    /// Removes a file; one that is already gone is not an error.
    fn delete(&self, key: StorageKey) -> impl Future<Output = io::Result<()>> + Send;
}
