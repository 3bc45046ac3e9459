//! `Topics`: broadcast channels by key, for the hub's per-task and
//! per-series wake-ups. A key's channel lives exactly as long as someone
//! listens: the last `TopicReceiver` to go removes it, so sockets opened on
//! ever new ids (random, deleted or finished tasks) leave nothing behind.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex, MutexGuard},
};

use tokio::sync::broadcast::{self, error::RecvError};

/// Messages a slow listener may fall behind by before it is told it lagged.
const CAPACITY: usize = 64;

type Map<K, T> = Mutex<HashMap<K, broadcast::Sender<T>>>;

pub(super) struct Topics<K, T>(Arc<Map<K, T>>);

/// One listener on one key; dropping the last one for a key drops its channel.
pub struct TopicReceiver<K: Eq + Hash, T> {
    key: K,
    rx: Option<broadcast::Receiver<T>>,
    topics: Arc<Map<K, T>>,
}

fn lock<K, T>(map: &Map<K, T>) -> MutexGuard<'_, HashMap<K, broadcast::Sender<T>>> {
    map.lock().unwrap_or_else(|e| e.into_inner())
}

impl<K: Eq + Hash + Copy, T: Clone> Topics<K, T> {
    pub(super) fn new() -> Self {
        Self(Arc::new(Mutex::new(HashMap::new())))
    }

    pub(super) fn subscribe(&self, key: K) -> TopicReceiver<K, T> {
        let rx = lock(&self.0)
            .entry(key)
            .or_insert_with(|| broadcast::channel(CAPACITY).0)
            .subscribe();
        TopicReceiver {
            key,
            rx: Some(rx),
            topics: self.0.clone(),
        }
    }

    pub(super) fn publish(&self, key: &K, message: T) {
        if let Some(tx) = lock(&self.0).get(key) {
            // Without receivers the entry would already be gone.
            let _ = tx.send(message);
        }
    }

    pub(super) fn publish_all(&self, message: &T) {
        for tx in lock(&self.0).values() {
            let _ = tx.send(message.clone());
        }
    }

    /// Keys with at least one listener.
    pub(super) fn len(&self) -> usize {
        lock(&self.0).len()
    }
}

impl<K: Eq + Hash, T: Clone> TopicReceiver<K, T> {
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        match self.rx.as_mut() {
            Some(rx) => rx.recv().await,
            None => Err(RecvError::Closed),
        }
    }
}

impl<K: Eq + Hash, T> Drop for TopicReceiver<K, T> {
    fn drop(&mut self) {
        // Under the lock, so no `subscribe` can join between the count and
        // the removal.
        let mut map = lock(&self.topics);
        drop(self.rx.take());
        if map
            .get(&self.key)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_topic_lives_as_long_as_its_last_receiver() {
        let topics = Topics::<u32, u8>::new();
        let mut first = topics.subscribe(1);
        let second = topics.subscribe(1);
        let other = topics.subscribe(2);
        assert_eq!(topics.len(), 2);

        drop(second);
        assert_eq!(topics.len(), 2, "one receiver on 1 remains");
        topics.publish(&1, 7);
        assert_eq!(first.recv().await.unwrap(), 7);

        drop(first);
        drop(other);
        assert_eq!(topics.len(), 0);
        topics.publish(&1, 8);
        assert_eq!(topics.len(), 0, "publishing creates nothing");
    }

    #[tokio::test]
    async fn many_receivers_on_distinct_keys_leave_no_channel_behind() {
        let topics = Topics::<u32, ()>::new();
        let receivers: Vec<_> = (0..1000).map(|k| topics.subscribe(k)).collect();
        assert_eq!(topics.len(), 1000);
        topics.publish_all(&());
        drop(receivers);
        assert_eq!(topics.len(), 0);
    }
}
