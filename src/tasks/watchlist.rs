//! `Watchlist`: what one event socket (`GET /ws`) knows — the tasks its
//! caller can see, each with its access and the state last sent — and what
//! each task notification means for it. Notices about tasks it knows are
//! sent without asking the database; the database is asked (one query) only
//! when access may have changed, when a task of the caller's own appears, or
//! after notices were missed. It does no I/O itself: it answers a `Step`,
//! and the socket does the asking and the sending.

use std::collections::HashMap;

use uuid::Uuid;

use super::{
    Viewer,
    events::{AccessChangedEvent, MinutesUpdatedEvent, Outgoing, Visibility},
    hub::{TaskNotice, TaskState},
    model::{Access, Stage, Status},
    queries::Watched,
    ws,
};

/// What the socket last knew of a task: small, as a socket keeps one per
/// task its caller can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    access: Access,
    status: Status,
    stage: Option<Stage>,
    progress: i16,
    /// A change of anything else (the title, the meeting date) counts it.
    state_version: i64,
}

impl Seen {
    fn new(access: Access, state: &TaskState) -> Self {
        Self {
            access,
            status: state.status,
            stage: state.stage,
            progress: state.progress,
            state_version: state.state_version,
        }
    }
}

/// What a notice asks of the socket.
#[derive(Debug)]
pub(super) enum Step {
    Ignore,
    Send(Outgoing),
    /// Read this task's access (`queries::watched`), then `checked`.
    Check(Uuid),
    /// Notices may have been missed: read everything again, then `checked`.
    Reload,
}

pub(super) struct Watchlist {
    /// The owner a notice names for the caller's own tasks: their user, or
    /// their series when anonymous.
    me: Uuid,
    user: Option<Uuid>,
    seen: HashMap<Uuid, Seen>,
}

fn state_of(row: &Watched) -> TaskState {
    TaskState {
        status: row.status,
        stage: row.stage,
        progress: row.progress,
        error: row.error.clone(),
        error_code: row.error_code,
        state_version: row.state_version,
        title: row.title.clone(),
        meeting_date: row.meeting_date.clone(),
    }
}

impl Watchlist {
    /// Starts from `queries::watched_all`.
    pub(super) fn new(viewer: &Viewer, visible: Vec<Watched>) -> Self {
        let seen = visible
            .iter()
            .filter_map(|row| Some((row.id, Seen::new(row.access?, &state_of(row)))))
            .collect();
        Self {
            me: viewer.user_id.unwrap_or(viewer.series_id),
            user: viewer.user_id,
            seen,
        }
    }

    pub(super) fn ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.seen.keys().copied()
    }

    pub(super) fn on_notice(&mut self, notice: &TaskNotice) -> Step {
        match notice {
            TaskNotice::State {
                task_id,
                state: None,
                ..
            } => match self.seen.remove(task_id) {
                Some(_) => Step::Send(Visibility::TaskDeleted.of(*task_id)),
                None => Step::Ignore,
            },
            TaskNotice::State {
                task_id,
                owner,
                state: Some(state),
            } => match self.seen.get_mut(task_id) {
                Some(seen) => {
                    let now = Seen::new(seen.access, state);
                    if *seen == now {
                        return Step::Ignore;
                    }
                    *seen = now;
                    Step::Send(Outgoing::Progress(ws::Event::new(*task_id, state.clone())))
                }
                // Someone else's task can only become visible through a
                // share, which comes as an access notice.
                None if *owner == Some(self.me) => Step::Check(*task_id),
                None => Step::Ignore,
            },
            TaskNotice::Access { task_id, users } => {
                let may_be_mine = || match (self.user, users) {
                    (None, _) => false, // only users are shared with
                    (Some(_), None) => true,
                    (Some(me), Some(users)) => users.contains(&me),
                };
                if self.seen.contains_key(task_id) || may_be_mine() {
                    Step::Check(*task_id)
                } else {
                    Step::Ignore
                }
            }
            TaskNotice::MinutesUpdated {
                task_id,
                version,
                author,
            } if self.seen.contains_key(task_id) => Step::Send(Outgoing::MinutesUpdated(
                MinutesUpdatedEvent::new(*task_id, *version, author.clone()),
            )),
            TaskNotice::MinutesUpdated { .. } => Step::Ignore,
        }
    }

    /// Takes in fresh rows for `ids` (a task without a row is gone) and
    /// answers the events they make.
    pub(super) fn checked(&mut self, ids: &[Uuid], rows: Vec<Watched>) -> Vec<Outgoing> {
        let mut rows: HashMap<Uuid, Watched> = rows.into_iter().map(|r| (r.id, r)).collect();
        ids.iter()
            .flat_map(|id| self.apply(*id, rows.remove(id)))
            .collect()
    }

    fn apply(&mut self, task_id: Uuid, row: Option<Watched>) -> Vec<Outgoing> {
        let known = self.seen.get(&task_id).copied();
        let Some(row) = row else {
            return self
                .seen
                .remove(&task_id)
                .map(|_| Visibility::TaskDeleted.of(task_id))
                .into_iter()
                .collect();
        };
        let Some(access) = row.access else {
            return self
                .seen
                .remove(&task_id)
                .map(|_| Visibility::AccessLost.of(task_id))
                .into_iter()
                .collect();
        };
        let state = state_of(&row);
        let now = Seen::new(access, &state);
        self.seen.insert(task_id, now);
        let progress = || Outgoing::Progress(ws::Event::new(task_id, state.clone()));
        let Some(before) = known else {
            return vec![if access == Access::Owner {
                progress()
            } else {
                Visibility::TaskShared.of(task_id)
            }];
        };
        let mut out = Vec::new();
        if before.access != now.access {
            out.push(Outgoing::AccessChanged(AccessChangedEvent::new(
                task_id, access,
            )));
        }
        if before.state_version != now.state_version {
            out.push(progress());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: Uuid, access: Option<Access>, progress: i16) -> Watched {
        Watched {
            id,
            access,
            status: Status::Processing,
            stage: Some(Stage::Transcribing),
            progress,
            error: None,
            error_code: None,
            state_version: i64::from(progress),
            title: None,
            meeting_date: "2024-09-30".into(),
        }
    }

    fn state(progress: i16) -> Option<TaskState> {
        Some(TaskState {
            status: Status::Processing,
            stage: Some(Stage::Transcribing),
            progress,
            error: None,
            error_code: None,
            state_version: i64::from(progress),
            title: None,
            meeting_date: "2024-09-30".into(),
        })
    }

    fn user_list(rows: Vec<Watched>) -> (Watchlist, Uuid) {
        let user = Uuid::new_v4();
        let viewer = Viewer {
            series_id: Uuid::new_v4(),
            user_id: Some(user),
            series_ends: time::OffsetDateTime::now_utc(),
        };
        (Watchlist::new(&viewer, rows), user)
    }

    #[test]
    fn known_tasks_are_sent_without_a_query_and_others_ignored() {
        let (mine, other) = (Uuid::new_v4(), Uuid::new_v4());
        let (mut list, _) = user_list(vec![row(mine, Some(Access::View), 10)]);
        let notice = |task_id, progress| TaskNotice::State {
            task_id,
            owner: Some(Uuid::new_v4()),
            state: state(progress),
        };
        assert!(matches!(list.on_notice(&notice(mine, 20)), Step::Send(_)));
        assert!(matches!(list.on_notice(&notice(mine, 20)), Step::Ignore));
        assert!(matches!(list.on_notice(&notice(other, 20)), Step::Ignore));
    }

    #[test]
    fn a_new_task_of_my_own_is_checked_once_then_known() {
        let (mut list, me) = user_list(vec![]);
        let task = Uuid::new_v4();
        let notice = TaskNotice::State {
            task_id: task,
            owner: Some(me),
            state: state(0),
        };
        assert!(matches!(list.on_notice(&notice), Step::Check(id) if id == task));
        let out = list.checked(&[task], vec![row(task, Some(Access::Owner), 0)]);
        assert!(matches!(out.as_slice(), [Outgoing::Progress(_)]));
        assert!(matches!(list.on_notice(&notice), Step::Ignore));
    }

    #[test]
    fn access_notices_are_checked_only_when_they_may_concern_me() {
        let (mut list, me) = user_list(vec![]);
        let task = Uuid::new_v4();
        let access = |users| TaskNotice::Access {
            task_id: task,
            users,
        };
        assert!(matches!(
            list.on_notice(&access(Some(vec![Uuid::new_v4()]))),
            Step::Ignore
        ));
        assert!(matches!(
            list.on_notice(&access(Some(vec![me]))),
            Step::Check(_)
        ));
        assert!(matches!(list.on_notice(&access(None)), Step::Check(_)));
    }

    #[test]
    fn a_share_then_its_revocation_then_silence() {
        let (mut list, _) = user_list(vec![]);
        let task = Uuid::new_v4();
        let shared = list.checked(&[task], vec![row(task, Some(Access::View), 0)]);
        assert!(
            matches!(shared.as_slice(), [Outgoing::Visibility(v)] if v.kind == Visibility::TaskShared)
        );
        let lost = list.checked(&[task], vec![row(task, None, 0)]);
        assert!(
            matches!(lost.as_slice(), [Outgoing::Visibility(v)] if v.kind == Visibility::AccessLost)
        );
        let minutes = TaskNotice::MinutesUpdated {
            task_id: task,
            version: 2,
            author: None,
        };
        assert!(matches!(list.on_notice(&minutes), Step::Ignore));
        assert!(list.checked(&[task], vec![row(task, None, 0)]).is_empty());
    }

    #[test]
    fn a_changed_share_says_the_new_access_once() {
        let task = Uuid::new_v4();
        let (mut list, _) = user_list(vec![row(task, Some(Access::View), 0)]);
        let upgraded = list.checked(&[task], vec![row(task, Some(Access::Edit), 0)]);
        assert!(
            matches!(upgraded.as_slice(), [Outgoing::AccessChanged(e)] if e.access == Access::Edit)
        );
        assert!(
            list.checked(&[task], vec![row(task, Some(Access::Edit), 0)])
                .is_empty()
        );
        let downgraded = list.checked(&[task], vec![row(task, Some(Access::View), 0)]);
        assert!(
            matches!(downgraded.as_slice(), [Outgoing::AccessChanged(e)] if e.access == Access::View)
        );
    }

    #[test]
    fn a_known_task_without_a_row_is_deleted() {
        let task = Uuid::new_v4();
        let (mut list, _) = user_list(vec![row(task, Some(Access::Owner), 0)]);
        let out = list.checked(&[task], vec![]);
        assert!(
            matches!(out.as_slice(), [Outgoing::Visibility(v)] if v.kind == Visibility::TaskDeleted)
        );
        assert_eq!(list.ids().count(), 0);
    }
}
