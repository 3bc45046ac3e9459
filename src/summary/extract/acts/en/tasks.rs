//! The English phrases that ask for a task, take one on, accept one or go
//! over the tasks agreed.

pub(super) const REQUESTS: &[&str] = &[
    "can you",
    "could you",
    "would you",
    "will you",
    "can i ask you to",
    "please",
    "i need you to",
    "i'd like you to",
    "make sure you",
    "do you want to",
    "would you mind",
];

pub(super) const ANYONE: &[&str] = &[
    "can someone",
    "could someone",
    "can anyone",
    "could anyone",
    "who can",
    "who wants to",
    "does anyone want to",
    "someone needs to",
    "somebody needs to",
    "any volunteers",
];

pub(super) const IN_MEETING: &[&str] = &[
    "walk us through",
    "tell us",
    "give us",
    "update us",
    "fill us in",
    "explain",
    "share your screen",
    "go ahead",
    "introduce",
    "start us off",
    "kick us off",
    "remind us",
    "take us through",
    "say a few words",
];

pub(super) const COMMITMENTS: &[&str] = &[
    "i'll",
    "i will",
    "i'm going to",
    "i am going to",
    "i'm gonna",
];

/// What follows "I'll" when it commits to nothing.
pub(super) const NOT_COMMITMENTS: &[&str] = &[
    "be honest",
    "be quick",
    "be brief",
    "admit",
    "say",
    "tell you what",
    "let",
    "pass",
    "leave it there",
    "keep it short",
    "bet",
];

pub(super) const VOLUNTEERING: &[&str] = &[
    "i'll take it",
    "i'll take that",
    "i'll take this",
    "i can take it",
    "i can take that",
    "i'm on it",
    "leave it with me",
    "leave it to me",
    "i'll do it",
    "i'll do that",
    "i can do that",
    "i can do it",
    "i'll handle it",
    "i'll handle that",
    "i'll own it",
    "i'll own that",
    "count me in",
    "i'll take care of it",
    "i'll take care of that",
];

pub(super) const ACCEPTANCES: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "yup",
    "sure",
    "absolutely",
    "definitely",
    "will do",
    "got it",
    "no problem",
    "sounds good",
    "of course",
    "can do",
    "on it",
    "happy to",
    "okay",
    "ok",
];

pub(super) const RECAPS: &[&str] = &[
    "to recap",
    "recap",
    "just to confirm",
    "to confirm",
    "go over it again",
    "to go over",
    "to summarize",
    "in summary",
    "to sum up",
    "action items",
];
