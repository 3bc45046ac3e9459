//! Dedicated password-hashing threads, one per core. Each keeps its argon2
//! working memory between hashes (19 MiB at the default parameters: fresh
//! memory per hash cost ~1,100 page faults a login), and runs at a lower CPU
//! priority (nice 10 on Linux), so a login flood still uses idle cores but
//! ordinary requests run first. At most one job per thread is in flight: a
//! flood queues on the semaphore, not in memory.

use std::sync::{Arc, Mutex, mpsc};

use anyhow::{Context as _, anyhow};
use argon2::Block;
use tokio::sync::{Semaphore, oneshot};

/// Niceness of the hashing threads (0 is normal, 19 the lowest priority).
const NICE: libc::c_int = 10;

/// A hashing job, handed the thread's reusable working memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

pub struct HashPool {
    jobs: mpsc::Sender<Job>,
    permits: Arc<Semaphore>,
}

impl HashPool {
    /// Starts `threads` hashing threads; they end when the pool is dropped.
    pub fn new(threads: usize) -> anyhow::Result<Self> {
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
        })
    }

    /// Runs `f` on a hashing thread once one is free, in the caller's
    /// tracing span. The permit travels with the job, so a client that hangs
    /// up cannot free it while the hash still runs.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> R + Send + 'static,
    ) -> anyhow::Result<R> {
        let permit = self.permits.clone().acquire_owned().await?;
        let (done, result) = oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move |memory| {
            let _permit = permit;
            let _ = done.send(span.in_scope(|| f(memory)));
        });
        self.jobs
            .send(job)
            .map_err(|_| anyhow!("the password hashing threads are gone"))?;
        result.await.context("a password hashing job panicked")
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
