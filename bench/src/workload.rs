//! The workloads, after diesel_bench's (same schema, data and sizes) plus the ORM's own:
//! what each one runs, and the checksum every contender must agree on.

use std::fmt;

/// One measured task. Every contender that runs it returns the same checksum, which the
/// harness compares before timing anything: a fast wrong answer is not a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// `SELECT` every row of `users` (N rows).
    Trivial(usize),
    /// `users LEFT JOIN posts WHERE hair_color = 'black'` (N users, half of them black
    /// haired, each of those with one post).
    MediumComplex(usize),
    /// Insert N users in one statement batch, no key read back (`insert_all` and its
    /// equivalents).
    Insert(usize),
    /// Insert N users reading their generated keys back (`insert_many`; raw sqlx's
    /// `RETURNING id`).
    InsertKeys(usize),
    /// Insert N users, more than one statement can bind: in statements of at most 10 000
    /// rows, in one transaction.
    BulkInsert(usize),
    /// 100 users -> 10 posts each -> 10 comments each, loaded level by level and grouped
    /// per parent.
    Associations,
    /// N lookups of a user by primary key, one after the other.
    GetByKey(usize),
    /// Stream N users without holding them (peak memory reported too).
    Stream(usize),
    /// Load N users, change every one, write the changes in one transaction.
    Flush(usize),
    /// 100 users with their posts through each library's eager loading.
    EagerLoad,
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Workload::Trivial(n) => write!(f, "trivial select, N = {n}"),
            Workload::MediumComplex(n) => write!(f, "medium complex (left join), N = {n}"),
            Workload::Insert(n) => write!(f, "insert, N = {n}"),
            Workload::InsertKeys(n) => write!(f, "insert reading keys back, N = {n}"),
            Workload::BulkInsert(n) => write!(f, "bulk insert, N = {n}"),
            Workload::Associations => write!(f, "associations 100 x 10 x 10"),
            Workload::GetByKey(n) => write!(f, "get by key x {n}"),
            Workload::Stream(n) => write!(f, "stream {n} rows"),
            Workload::Flush(n) => write!(f, "update {n} loaded rows in one transaction"),
            Workload::EagerLoad => write!(f, "eager load 100 users -> posts"),
        }
    }
}

/// A `users` row's contribution to a checksum.
pub fn user_sum(id: i64, name: &str, hair_color: Option<&str>) -> u64 {
    id.unsigned_abs() + name.len() as u64 + hair_color.map_or(0, |h| h.len() as u64 + 1)
}

/// A `posts` row's contribution to a checksum.
pub fn post_sum(id: i64, user_id: i64, title: &str, body: Option<&str>) -> u64 {
    id.unsigned_abs() * 3
        + user_id.unsigned_abs()
        + title.len() as u64
        + body.map_or(0, |b| b.len() as u64 + 1)
}

/// A `comments` row's contribution to a checksum.
pub fn comment_sum(id: i64, post_id: i64, text: &str) -> u64 {
    id.unsigned_abs() * 5 + post_id.unsigned_abs() + text.len() as u64
}

/// The hair colour a `Flush` writes over `current`: always a change.
pub fn toggled(current: Option<&str>) -> &'static str {
    if current == Some("black") {
        "brown"
    } else {
        "black"
    }
}

/// The i-th user a workload inserts: name and hair colour.
pub fn new_user(i: usize) -> (String, Option<&'static str>) {
    let hair = match i % 3 {
        0 => Some("black"),
        1 => Some("brown"),
        _ => None,
    };
    (format!("User {i}"), hair)
}
