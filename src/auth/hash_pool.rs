//! Dedicated password-hashing threads (`auth.hash_threads`: by default one
//! per core less one, so a login flood leaves a core to the other requests
//! even where the scheduler ignores niceness, as across cgroups). Each keeps its argon2
//! working memory between hashes (19 MiB at the default parameters: fresh
//! memory per hash cost ~1,100 page faults a login), and runs at a lower CPU
//! priority (nice 10 on Linux), so a login flood still uses idle cores but
//! ordinary requests run first. At most one job per thread is in flight, and
//! at most `max_waiting` callers wait for a thread: past that a caller is
//! refused at once (`HashError::Busy`, a 503 with `Retry-After`), so a flood
//! neither grows a queue without bound nor holds connections for minutes.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, AtomicUsize, Ordering},
    mpsc,
};

use anyhow::{Context as _, anyhow};
use argon2::Block;
use tokio::sync::{Semaphore, TryAcquireError, oneshot};

/// Niceness of the hashing threads (0 is normal, 19 the lowest priority).
const NICE: libc::c_int = 10;

/// A hashing job, handed the thread's reusable working memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Why a hashing job did not run to its result.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("the password hashing queue is full")]
    Busy,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

pub struct HashPool {
    jobs: mpsc::Sender<Job>,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    /// Jobs started, for tests and metrics: proves a path did not hash.
    started: AtomicU64,
}

/// One caller waiting for a thread; uncounted however its wait ends
/// (including its client hanging up).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl HashPool {
    /// Starts `threads` hashing threads; they end when the pool is dropped.
    pub fn new(threads: usize, max_waiting: usize) -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&queue))
                .context("starting a password hashing thread")?;
        }
        Ok(Self {
            jobs,
            permits: Arc::new(Semaphore::new(threads)),
            waiting: AtomicUsize::new(0),
            max_waiting,
            started: AtomicU64::new(0),
        })
    }

    /// How many jobs have been handed to the threads so far.
    pub fn started(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }

    /// Runs `f` on a hashing thread once one is free, in the caller's
    /// tracing span. The permit travels with the job, so a client that hangs
    /// up cannot free it while the hash still runs.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> R + Send + 'static,
    ) -> Result<R, HashError> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::NoPermits) => {
                let waiting = Waiting(&self.waiting);
                if waiting.0.fetch_add(1, Ordering::Relaxed) >= self.max_waiting {
                    metrics::counter!("password_hash_busy_total").increment(1);
                    return Err(HashError::Busy);
                }
                self.permits
                    .clone()
                    .acquire_owned()
                    .await
                    .context("the password hashing pool is closed")?
            }
            Err(TryAcquireError::Closed) => {
                return Err(anyhow!("the password hashing pool is closed").into());
            }
        };
        self.started.fetch_add(1, Ordering::Relaxed);
        let (done, result) = oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move |memory| {
            let _permit = permit;
            let _ = done.send(span.in_scope(|| f(memory)));
        });
        self.jobs
            .send(job)
            .map_err(|_| anyhow!("the password hashing threads are gone"))?;
        Ok(result.await.context("a password hashing job panicked")?)
    }
}

fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    lower_priority();
    let mut memory = Vec::new();
    loop {
        let job = match queue.lock().unwrap_or_else(|e| e.into_inner()).recv() {
            Ok(job) => job,
            Err(mpsc::RecvError) => return,
        };
        job(&mut memory);
    }
}

/// On Linux the nice value belongs to the thread, so this leaves the rest
/// of the process alone.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain syscalls on the calling thread's own id.
    unsafe {
        let tid = libc::gettid();
        if libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICE) != 0 {
            tracing::warn!(
                error = %std::io::Error::last_os_error(),
                "cannot lower the priority of a password hashing thread"
            );
        }
    }
}
