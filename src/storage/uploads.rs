//! `Uploads`, the store the app runs with: the backend `storage.backend`
//! names, behind one concrete type so handlers, workers and the purge need
//! no generics.

use std::{
    io,
    ops::Range,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::SystemTime,
};

use anyhow::Context as _;
use tokio::io::{AsyncRead, AsyncWrite};

use super::{FsStore, S3Store, StorageKey, UploadStore, fs::FsPending, s3::S3Pending};
use crate::config::{StorageBackend, StorageSettings};

pub enum Uploads {
    Fs(FsStore),
    S3(S3Store),
}

impl Uploads {
    /// The configured backend; the file store's directory is created.
    pub fn from_settings(settings: &StorageSettings) -> anyhow::Result<Arc<Self>> {
        let store = match settings.backend {
            StorageBackend::Fs => Self::Fs(FsStore::new(&settings.dir).with_context(|| {
                format!("cannot create storage.dir {}", settings.dir.display())
            })?),
            StorageBackend::S3 => Self::S3(S3Store::new(&settings.s3)?),
        };
        Ok(Arc::new(store))
    }

    /// Before the process exits: lets the clean-up of uploads cut off by the
    /// shutdown finish (the S3 store's multipart aborts run in the
    /// background), for at most `limit`.
    pub async fn settle(&self, limit: std::time::Duration) {
        if let Self::S3(store) = self {
            store.settle(limit).await;
        }
    }
}

pub enum Pending {
    Fs(FsPending),
    S3(S3Pending),
}

impl AsyncWrite for Pending {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Fs(p) => Pin::new(p).poll_write(cx, buf),
            Self::S3(p) => Pin::new(p).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Fs(p) => Pin::new(p).poll_flush(cx),
            Self::S3(p) => Pin::new(p).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Fs(p) => Pin::new(p).poll_shutdown(cx),
            Self::S3(p) => Pin::new(p).poll_shutdown(cx),
        }
    }
}

impl UploadStore for Uploads {
    type Pending = Pending;
    type Reader = Box<dyn AsyncRead + Unpin + Send>;

    async fn create(&self, key: StorageKey) -> io::Result<Pending> {
        Ok(match self {
            Self::Fs(s) => Pending::Fs(s.create(key).await?),
            Self::S3(s) => Pending::S3(s.create(key).await?),
        })
    }

    async fn finish(&self, pending: Pending) -> io::Result<()> {
        match (self, pending) {
            (Self::Fs(s), Pending::Fs(p)) => s.finish(p).await,
            (Self::S3(s), Pending::S3(p)) => s.finish(p).await,
            _ => Err(io::Error::other("an upload finished on another store")),
        }
    }

    async fn open(&self, key: StorageKey) -> io::Result<(Self::Reader, u64)> {
        Ok(match self {
            Self::Fs(s) => s.open(key).await.map(|(r, n)| (Box::new(r) as _, n))?,
            Self::S3(s) => s.open(key).await.map(|(r, n)| (Box::new(r) as _, n))?,
        })
    }

    async fn len(&self, key: StorageKey) -> io::Result<u64> {
        match self {
            Self::Fs(s) => s.len(key).await,
            Self::S3(s) => s.len(key).await,
        }
    }

    async fn open_range(&self, key: StorageKey, range: Range<u64>) -> io::Result<Self::Reader> {
        Ok(match self {
            Self::Fs(s) => Box::new(s.open_range(key, range).await?),
            Self::S3(s) => Box::new(s.open_range(key, range).await?),
        })
    }

    async fn delete(&self, key: StorageKey) -> io::Result<()> {
        match self {
            Self::Fs(s) => s.delete(key).await,
            Self::S3(s) => s.delete(key).await,
        }
    }

    async fn keys_older_than(&self, before: SystemTime) -> io::Result<Vec<StorageKey>> {
        match self {
            Self::Fs(s) => s.keys_older_than(before).await,
            Self::S3(s) => s.keys_older_than(before).await,
        }
    }

    async fn sweep_unfinished(&self, before: SystemTime) -> io::Result<u64> {
        match self {
            Self::Fs(s) => s.sweep_unfinished(before).await,
            Self::S3(s) => s.sweep_unfinished(before).await,
        }
    }
}
