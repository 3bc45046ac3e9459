//! The upload store: where uploaded files live, addressed by server-chosen
//! keys that can never name a path. `UploadStore` is the seam; `FsStore`
//! keeps files in one directory (`storage.dir`), `S3Store` in an
//! S3-compatible bucket, and `Uploads` is whichever `storage.backend` names.
//! A leaf: tasks write and serve files, jobs read them, retention removes
//! them and the orphans it finds.

mod fs;
mod s3;
mod uploads;

use std::{fmt, io, ops::Range, time::SystemTime};

use tokio::io::{AsyncRead, AsyncWrite};
use uuid::Uuid;

pub use fs::FsStore;
pub use s3::S3Store;
pub use uploads::{Pending, Uploads};

/// A stored file's name: a UUID, so a key is never a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    type Reader: AsyncRead + Unpin + Send + 'static;

    fn create(&self, key: StorageKey) -> impl Future<Output = io::Result<Self::Pending>> + Send;
    /// Makes a pending file visible under its key, durably.
    fn finish(&self, pending: Self::Pending) -> impl Future<Output = io::Result<()>> + Send;
    /// The file, streamed, and its length.
    fn open(&self, key: StorageKey)
    -> impl Future<Output = io::Result<(Self::Reader, u64)>> + Send;
    /// The file's length.
    fn len(&self, key: StorageKey) -> impl Future<Output = io::Result<u64>> + Send;
    /// The bytes `range` picks from the file, streamed; the caller keeps
    /// `range` within the file's `len` and never empty (a recording's
    /// player seeking in it asks for parts).
    fn open_range(
        &self,
        key: StorageKey,
        range: Range<u64>,
    ) -> impl Future<Output = io::Result<Self::Reader>> + Send;
    /// Removes a file; one that is already gone is not an error.
    fn delete(&self, key: StorageKey) -> impl Future<Output = io::Result<()>> + Send;
    /// Keys of the finished files last written before `before`: the
    /// candidates the orphan sweep checks against the task rows.
    fn keys_older_than(
        &self,
        before: SystemTime,
    ) -> impl Future<Output = io::Result<Vec<StorageKey>>> + Send;
    /// Removes what unfinished uploads left behind (a crash between bytes
    /// and `finish`) untouched since `before`; returns how many.
    fn sweep_unfinished(&self, before: SystemTime) -> impl Future<Output = io::Result<u64>> + Send;
}
