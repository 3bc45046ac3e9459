//! The upload store: where uploaded files live, addressed by server-chosen
//! keys that can never name a path. `UploadStore` is the seam for an object
//! store later; `FsStore` keeps files in one directory (`storage.dir`).

use std::{
    fmt, io,
    path::{Path, PathBuf},
    pin::Pin,
    task::{Context, Poll},
};

use tokio::{
    fs::File,
    io::{AsyncWrite, AsyncWriteExt, BufWriter},
};
use uuid::Uuid;

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

#[derive(Debug)]
pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    /// Creates the directory if needed.
    pub fn new(root: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(root)?;
        Ok(Self { root: root.into() })
    }

    fn path(&self, key: StorageKey) -> PathBuf {
        self.root.join(key.to_string())
    }
}

/// Written under a temporary name next to the final one, so the rename into
/// place is atomic and readers never see half a file.
pub struct FsPending {
    file: BufWriter<File>,
    tmp: PathBuf,
    dest: PathBuf,
    finished: bool,
}

impl Drop for FsPending {
    fn drop(&mut self) {
        if !self.finished {
            // Runs when a handler future is dropped too, where nothing can be
            // awaited; unlinking one file is quick.
            if let Err(e) = std::fs::remove_file(&self.tmp) {
                tracing::warn!(error = %e, path = %self.tmp.display(), "partial upload not removed");
            }
        }
    }
}

impl AsyncWrite for FsPending {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.file).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.file).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.file).poll_shutdown(cx)
    }
}

/// Multipart chunks are small; batching them saves a blocking write each.
const WRITE_BUFFER: usize = 256 * 1024;

impl UploadStore for FsStore {
    type Pending = FsPending;
    type Reader = File;

    async fn create(&self, key: StorageKey) -> io::Result<FsPending> {
        let dest = self.path(key);
        let tmp = self.root.join(format!("{key}.part"));
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .await?;
        Ok(FsPending {
            file: BufWriter::with_capacity(WRITE_BUFFER, file),
            tmp,
            dest,
            finished: false,
        })
    }

    async fn finish(&self, mut pending: FsPending) -> io::Result<()> {
        pending.file.flush().await?;
        pending.file.get_ref().sync_all().await?;
        tokio::fs::rename(&pending.tmp, &pending.dest).await?;
        pending.finished = true;
        Ok(())
    }

    async fn open(&self, key: StorageKey) -> io::Result<(File, u64)> {
        let file = File::open(self.path(key)).await?;
        let len = file.metadata().await?.len();
        Ok((file, len))
    }

    async fn delete(&self, key: StorageKey) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}
