//! The S3 store: one object per upload, `{storage.s3.prefix}/{key}`, in an
//! S3-compatible bucket through `object_store`. Uploads stream through a
//! buffer of one part: a file smaller than that is one `PUT` when finished,
//! a larger one a multipart upload with a bounded number of parts in flight,
//! so memory stays bounded by `PART_SIZE × (MAX_PARTS_IN_FLIGHT + 1)` whatever
//! the file's size. Nothing is visible under the key before `finish`, and a
//! dropped upload aborts its multipart upload.

use std::{
    io,
    ops::Range,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::{Duration, SystemTime},
};

use anyhow::Context as _;
use axum::body::Bytes;
use futures::{StreamExt as _, TryStreamExt as _, stream::BoxStream};
use object_store::{
    ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt as _, RetryConfig,
    aws::AmazonS3Builder, buffered::BufWriter, path::Path,
};
use secrecy::ExposeSecret as _;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};
use tokio_util::{io::StreamReader, task::TaskTracker};

use super::{StorageKey, UploadStore};
use crate::config::S3Settings;

/// S3's smallest part is 5 MiB (except the last); 8 MiB keeps the request
/// count of a 2 GiB upload near 256.
pub const PART_SIZE: usize = 8 * 1024 * 1024;
const MAX_PARTS_IN_FLIGHT: usize = 2;

pub struct S3Store {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    /// Aborts of dropped uploads still under way; `settle` waits for them,
    /// so a stopping process leaves no multipart upload behind.
    aborts: TaskTracker,
}

impl S3Store {
    pub fn new(settings: &S3Settings) -> anyhow::Result<Self> {
        let bucket = settings
            .bucket
            .as_deref()
            .context("storage.s3.bucket is not set")?;
        // No whole-request timeout: a media download is one response that
        // may take long for a big file and a slow client. Connecting still
        // times out, so an unreachable server fails fast.
        let client = ClientOptions::new()
            .with_timeout_disabled()
            .with_connect_timeout(Duration::from_secs(5));
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(&settings.region)
            .with_virtual_hosted_style_request(!settings.path_style)
            .with_client_options(client)
            // object_store retries for up to 3 minutes by default: an upload
            // would hang that long while the S3 server is away. A few quick
            // retries ride out a blip; beyond that the upload answers 503.
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(10),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &settings.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret.expose_secret());
        }
        let store = builder
            .build()
            .context("invalid configuration: storage.s3")?;
        Ok(Self {
            store: Arc::new(store),
            prefix: Path::from(settings.prefix.as_str()),
            aborts: TaskTracker::new(),
        })
    }

    /// Waits (up to `limit`) for the aborts of dropped uploads to finish.
    pub async fn settle(&self, limit: Duration) {
        self.aborts.close();
        if tokio::time::timeout(limit, self.aborts.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                left = self.aborts.len(),
                "stopping with multipart upload aborts unfinished"
            );
        }
    }

    fn path(&self, key: StorageKey) -> Path {
        self.prefix.clone().join(key.to_string())
    }
}

/// An upload in progress. Dropped unfinished — a refused file, a client gone
/// mid-body — it aborts the multipart upload in the background (a drop
/// cannot wait), so the bucket keeps no parts of it.
pub struct S3Pending {
    writer: Option<BufWriter>,
    aborts: TaskTracker,
}

impl Drop for S3Pending {
    fn drop(&mut self) {
        let Some(mut writer) = self.writer.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                self.aborts.spawn_on(
                    async move {
                        if let Err(e) = writer.abort().await {
                            tracing::warn!(error = %e, "unfinished multipart upload not aborted");
                        }
                    },
                    &runtime,
                );
            }
            Err(_) => tracing::warn!("unfinished upload dropped outside the runtime"),
        }
    }
}

impl S3Pending {
    fn writer(&mut self) -> io::Result<&mut BufWriter> {
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("upload already finished"))
    }
}

impl AsyncWrite for S3Pending {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(self.writer()?).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(self.writer()?).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(self.writer()?).poll_shutdown(cx)
    }
}

impl UploadStore for S3Store {
    type Pending = S3Pending;
    type Reader = StreamReader<BoxStream<'static, io::Result<Bytes>>, Bytes>;

    async fn create(&self, key: StorageKey) -> io::Result<S3Pending> {
        let writer = BufWriter::with_capacity(self.store.clone(), self.path(key), PART_SIZE)
            .with_max_concurrency(MAX_PARTS_IN_FLIGHT);
        Ok(S3Pending {
            writer: Some(writer),
            aborts: self.aborts.clone(),
        })
    }

    /// Completes the upload: the single `PUT`, or the multipart upload's
    /// completion, after which the object exists whole.
    async fn finish(&self, mut pending: S3Pending) -> io::Result<()> {
        // Taken out first: once completion has started there is nothing to
        // abort, whatever its outcome.
        let mut writer = pending
            .writer
            .take()
            .ok_or_else(|| io::Error::other("upload already finished"))?;
        writer.shutdown().await
    }

    async fn open(&self, key: StorageKey) -> io::Result<(Self::Reader, u64)> {
        let got = self.store.get(&self.path(key)).await?;
        let size = got.meta.size;
        let stream = got.into_stream().map_err(io::Error::from).boxed();
        Ok((StreamReader::new(stream), size))
    }

    async fn len(&self, key: StorageKey) -> io::Result<u64> {
        Ok(self.store.head(&self.path(key)).await?.size)
    }

    async fn open_range(&self, key: StorageKey, range: Range<u64>) -> io::Result<Self::Reader> {
        let options = GetOptions {
            range: Some(GetRange::Bounded(range)),
            ..GetOptions::default()
        };
        let got = self.store.get_opts(&self.path(key), options).await?;
        let stream = got.into_stream().map_err(io::Error::from).boxed();
        Ok(StreamReader::new(stream))
    }

    async fn delete(&self, key: StorageKey) -> io::Result<()> {
        match self.store.delete(&self.path(key)).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            other => other.map_err(io::Error::from),
        }
    }

    /// Only objects named like our keys directly under the prefix count:
    /// whatever else shares the bucket is not ours to judge.
    async fn keys_older_than(&self, before: SystemTime) -> io::Result<Vec<StorageKey>> {
        let mut listing = self.store.list(Some(&self.prefix));
        let mut keys = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if SystemTime::from(meta.last_modified) >= before {
                continue;
            }
            let Some(key) = meta
                .location
                .filename()
                .and_then(|n| StorageKey::parse(n).ok())
            else {
                continue;
            };
            if meta.location == self.path(key) {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    /// `object_store` cannot list incomplete multipart uploads; the parts of
    /// one whose process died before aborting are left to the bucket's
    /// `AbortIncompleteMultipartUpload` lifecycle rule (docs/deployment.md, "Backups").
    async fn sweep_unfinished(&self, _before: SystemTime) -> io::Result<u64> {
        Ok(0)
    }
}
