//! The filesystem store: files in one directory (`storage.dir`), written
//! under a temporary name (`{key}.part`) and renamed into place when finished.

use std::{
    io,
    ops::Range,
    path::{Path, PathBuf},
    pin::Pin,
    task::{Context, Poll},
    time::SystemTime,
};

use tokio::{
    fs::File,
    io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWrite, AsyncWriteExt, BufWriter, Take},
};

use super::{StorageKey, UploadStore};

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

    /// The directory's entries last modified before `before`, with their names.
    async fn entries_older_than(&self, before: SystemTime) -> io::Result<Vec<(String, PathBuf)>> {
        let mut dir = tokio::fs::read_dir(&self.root).await?;
        let mut old = Vec::new();
        while let Some(entry) = dir.next_entry().await? {
            let meta = entry.metadata().await?;
            if meta.is_file() && meta.modified()? < before {
                if let Ok(name) = entry.file_name().into_string() {
                    old.push((name, entry.path()));
                }
            }
        }
        Ok(old)
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
    type Reader = Take<File>;

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

    async fn open(&self, key: StorageKey) -> io::Result<(Take<File>, u64)> {
        let file = File::open(self.path(key)).await?;
        let len = file.metadata().await?.len();
        Ok((file.take(len), len))
    }

    async fn len(&self, key: StorageKey) -> io::Result<u64> {
        Ok(tokio::fs::metadata(self.path(key)).await?.len())
    }

    async fn open_range(&self, key: StorageKey, range: Range<u64>) -> io::Result<Take<File>> {
        let mut file = File::open(self.path(key)).await?;
        file.seek(io::SeekFrom::Start(range.start)).await?;
        Ok(file.take(range.end - range.start))
    }

    async fn delete(&self, key: StorageKey) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    async fn keys_older_than(&self, before: SystemTime) -> io::Result<Vec<StorageKey>> {
        let old = self.entries_older_than(before).await?;
        Ok(old
            .iter()
            .filter_map(|(name, _)| StorageKey::parse(name).ok())
            .collect())
    }

    /// A `.part` file still being written has a fresh modification time, so
    /// only those of crashed processes (or killed hosts) are old.
    async fn sweep_unfinished(&self, before: SystemTime) -> io::Result<u64> {
        let mut removed = 0;
        for (name, path) in self.entries_older_than(before).await? {
            let is_part = name
                .strip_suffix(".part")
                .is_some_and(|stem| StorageKey::parse(stem).is_ok());
            if is_part && tokio::fs::remove_file(&path).await.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }
}
