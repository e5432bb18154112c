//! One poll stream per job across the tabs of a browser: who polls, what a following tab does
//! with what it hears, and when it takes over.
//!
//! The shell elects the polling tab with a lock per job URL and carries [`Note`]s between tabs;
//! every decision is made here. A following tab is fed the job bodies the polling tab got and
//! reads them with its own watcher, so its callbacks, advice (in its own locale), `done` and
//! `save()` are its own, and every link is checked against its own API origin. Tokens are not
//! part of any note: each tab sends its own requests with its own token.

use serde::{Deserialize, Serialize};

/// A tab's part in its job's shared poll stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Role {
    /// Polls by itself: sharing is off or missing, or the job's URL is not known yet.
    #[default]
    Alone,
    /// Holds the job's lock: polls, and tells the other tabs what it sees.
    Polling,
    /// Waits for the lock: hears the polling tab instead of polling.
    Following,
}

/// What the tabs watching one job tell each other. It never holds a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Wire", into = "Wire")]
pub enum Note {
    /// A tab polled the job: the job it got (none when the answer was not a job: an error, a
    /// 5xx), and in how many ms it polls again.
    Polled { body: Option<String>, next_ms: u64 },
    /// A tab started following and would rather hear where the job stands than wait a poll.
    Hello,
    /// A following tab wants a poll now: it is looked at again, it is back online, or its user
    /// answered the MFA challenge.
    PollNow,
}

/// A note on the channel: `{"t": "polled", "body"?, "nextMs"}`, `{"t": "hello"}` or
/// `{"t": "poll-now"}`. A flat struct, not a tagged enum: serde reads those through a buffer
/// whose code the package would carry for this alone.
#[derive(Clone, Serialize, Deserialize)]
struct Wire {
    t: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(default, rename = "nextMs", skip_serializing_if = "Option::is_none")]
    next_ms: Option<u64>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    Polled,
    Hello,
    PollNow,
}

impl From<Wire> for Note {
    fn from(w: Wire) -> Self {
        match w.t {
            Kind::Polled => Self::Polled {
                body: w.body,
                next_ms: w.next_ms.unwrap_or(0),
            },
            Kind::Hello => Self::Hello,
            Kind::PollNow => Self::PollNow,
        }
    }
}

impl From<Note> for Wire {
    fn from(n: Note) -> Self {
        let (t, body, next_ms) = match n {
            Note::Polled { body, next_ms } => (Kind::Polled, body, Some(next_ms)),
            Note::Hello => (Kind::Hello, None, None),
            Note::PollNow => (Kind::PollNow, None, None),
        };
        Self { t, body, next_ms }
    }
}

/// This tab's side of the sharing: its role, whether other tabs listen, and when the polling
/// tab said it polls next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    role: Role,
    /// Another tab watches this job, so notes are worth their cost: a message to every tab of
    /// the browser, through the browser's own process, after every poll.
    others: bool,
    /// When the polling tab (or whoever polled last) polls again, by its last note.
    expected_ms: Option<u64>,
}

impl Share {
    /// This tab's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether this tab tells the others what it polled: the polling tab does, and so does a
    /// following tab that had to poll by itself, so a third tab need not; neither while no other
    /// tab is known to watch the job.
    pub fn tells(&self) -> bool {
        self.role != Role::Alone && self.others
    }

    /// Another tab said hello: it follows this job, and hears from now on.
    pub fn heard_hello(&mut self) {
        if self.role != Role::Alone {
            self.others = true;
        }
    }

    /// Whether job bodies heard from another tab are taken as this tab's own answers. Only a
    /// following tab takes them: the polling tab's own answers are never older than a note.
    pub fn takes_bodies(&self) -> bool {
        self.role == Role::Following
    }

    /// Whether a wish to poll at once goes to the polling tab instead of to the network.
    pub fn asks_instead(&self) -> bool {
        self.role == Role::Following
    }

    /// Whether a `Hello` is answered with the job this tab holds: only the polling tab answers,
    /// so one note, not one per tab, comes back.
    pub fn answers_hello(&self) -> bool {
        self.role == Role::Polling
    }

    /// The tab asked for the lock and another may hold it: it follows until it gets it. Returns
    /// when it polls by itself should it hear nothing: after the longest wait between two polls
    /// and the grace, since the polling tab may be between polls, or still getting its token.
    pub fn follow(&mut self, now_ms: u64, interval_ms: u64, max_interval_ms: u64) -> u64 {
        self.role = Role::Following;
        self.expected_ms = None;
        now_ms
            .saturating_add(max_interval_ms)
            .saturating_add(grace_ms(interval_ms))
    }

    /// The tab got the lock (it is the first, or the polling tab closed): it polls when the
    /// polling tab would have (within one interval of its last poll), or at once when that time
    /// has passed or nothing was heard.
    pub fn lead(&mut self, now_ms: u64) -> u64 {
        self.role = Role::Polling;
        // A tab that polled before this one may have had other followers, whose hellos this tab
        // never heard: they hear from it at once.
        self.others |= self.expected_ms.is_some();
        self.expected_ms.take().map_or(now_ms, |at| at.max(now_ms))
    }

    /// Sharing ended (the watch ended, or the job's URL is changing): the tab polls by itself.
    pub fn alone(&mut self) {
        *self = Self::default();
    }

    /// A tab polled and polls again in `next_ms`. A following tab returns when it polls by
    /// itself, should no further note come: `grace_ms` after that tab's next poll, so a tab that
    /// was frozen or lost is taken over, and one merely slow to get its answer is not.
    pub fn heard_poll(&mut self, now_ms: u64, next_ms: u64, grace_ms: u64) -> Option<u64> {
        // Whoever polled, another tab is there (a follower that polled by itself, say).
        self.heard_hello();
        if self.role != Role::Following {
            return None;
        }
        let at = now_ms.saturating_add(next_ms);
        self.expected_ms = Some(at);
        Some(at.saturating_add(grace_ms))
    }
}

/// How long after the polling tab's announced poll a following tab waits for its note before it
/// polls by itself: two fast intervals, room for a slow answer.
pub fn grace_ms(interval_ms: u64) -> u64 {
    interval_ms.saturating_mul(2)
}
