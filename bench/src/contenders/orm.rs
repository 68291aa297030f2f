//! This ORM: the query builder, `insert_many`, relation loading, and the session for the
//! flush, on a `Database` of the same pool size as the others.

use futures_util::TryStreamExt;
use orm_core::prelude::*;
use orm_core::{Relation, Session};

use super::{Contender, Library, POOL_SIZE, Run, every_workload};
use crate::workload::{Workload, comment_sum, new_user, post_sum, toggled, user_sum};

/// diesel_bench's user.
#[derive(Model, Debug, Clone)]
#[orm(table = "ob_users")]
pub struct BenchUser {
    /// The key.
    #[orm(primary_key)]
    pub id: i32,
    /// The name.
    pub name: String,
    /// The hair colour, if known.
    pub hair_color: Option<String>,
}

/// diesel_bench's post.
#[derive(Model, Debug, Clone)]
#[orm(table = "ob_posts")]
pub struct BenchPost {
    /// The key.
    #[orm(primary_key)]
    pub id: i32,
    /// The author.
    #[orm(references(BenchUser))]
    pub user_id: i32,
    /// The title.
    pub title: String,
    /// The text, if any.
    pub body: Option<String>,
}

/// diesel_bench's comment.
#[derive(Model, Debug, Clone)]
#[orm(table = "ob_comments")]
pub struct BenchComment {
    /// The key.
    #[orm(primary_key)]
    pub id: i32,
    /// The post commented on.
    #[orm(references(BenchPost))]
    pub post_id: i32,
    /// The text.
    pub text: String,
}

impl BenchUser {
    /// A user's posts.
    pub fn posts() -> Relation<BenchUser, BenchPost> {
        BenchPost::user().reverse()
    }

    fn sum(&self) -> u64 {
        user_sum(self.id.into(), &self.name, self.hair_color.as_deref())
    }
}

impl BenchPost {
    /// A post's comments.
    pub fn comments() -> Relation<BenchPost, BenchComment> {
        BenchComment::post().reverse()
    }

    fn sum(&self) -> u64 {
        post_sum(
            self.id.into(),
            self.user_id.into(),
            &self.title,
            self.body.as_deref(),
        )
    }
}

/// The ORM on its own `Database`.
pub struct Orm {
    db: Database,
    name: &'static str,
}

impl Orm {
    /// A `Database` on `url` with a pool of [`POOL_SIZE`].
    pub async fn connect(url: &str) -> anyhow::Result<Orm> {
        Self::connect_named(url, false, "orm").await
    }

    /// [`Orm::connect`], behind a transaction-mode pooler or not, under `name`.
    pub async fn connect_named(url: &str, pooler: bool, name: &'static str) -> anyhow::Result<Orm> {
        let db = Database::options(url)
            .max_connections(POOL_SIZE)
            .transaction_pooler(pooler)
            .connect()
            .await?;
        Ok(Orm { db, name })
    }
}

impl Library for Orm {
    async fn trivial(&self) -> anyhow::Result<u64> {
        let users = BenchUser::query().all(&self.db).await?;
        Ok(users.iter().map(BenchUser::sum).sum())
    }

    async fn medium(&self) -> anyhow::Result<u64> {
        let rows: Vec<(BenchUser, Option<BenchPost>)> = BenchUser::query()
            .left_join(BenchUser::posts())
            .filter(BenchUser::hair_color.eq("black"))
            .all(&self.db)
            .await?;
        Ok(rows
            .iter()
            .map(|(u, p)| u.sum() + p.as_ref().map_or(0, BenchPost::sum))
            .sum())
    }

    async fn insert(&self, n: usize) -> anyhow::Result<u64> {
        Ok(BenchUser::insert_all(&new_users(n), &self.db).await?)
    }

    fn insert_keys(&self, n: usize) -> Option<Run<'_>> {
        Some(Box::pin(async move {
            let mut users = new_users(n);
            BenchUser::insert_many(&mut users, &self.db).await?;
            Ok(users.iter().filter(|u| u.id != 0).count() as u64)
        }))
    }

    fn bulk_insert(&self, n: usize) -> Option<Run<'_>> {
        Some(Box::pin(async move {
            Ok(BenchUser::insert_all(&new_users(n), &self.db).await?)
        }))
    }

    async fn get_by_key(&self, n: usize) -> anyhow::Result<u64> {
        let mut sum = 0;
        for id in 1..=i32::try_from(n)? {
            let user = BenchUser::get(&self.db, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("user {id} is missing"))?;
            sum += user.sum();
        }
        Ok(sum)
    }

    async fn stream(&self) -> anyhow::Result<u64> {
        Ok(BenchUser::query()
            .stream(&self.db)
            .try_fold(0u64, |sum, u| async move { Ok(sum + u.sum()) })
            .await?)
    }

    async fn flush(&self) -> anyhow::Result<u64> {
        let mut session: Session = self.db.session();
        let users = session.query::<BenchUser>().all().await?;
        for &user in &users {
            let hair = toggled(session[user].hair_color.as_deref());
            session[user].hair_color = Some(hair.to_owned());
        }
        session.commit().await?;
        Ok(users.len() as u64)
    }

    async fn levels(&self, comments: bool) -> anyhow::Result<u64> {
        let users = BenchUser::query().all(&self.db).await?;
        let posts = BenchUser::posts().load(&users, &self.db).await?;
        let flat: Vec<BenchPost> = posts.into_iter().flatten().collect();
        let mut sum: u64 = users.iter().map(BenchUser::sum).sum::<u64>()
            + flat.iter().map(BenchPost::sum).sum::<u64>();
        if comments {
            let comments = BenchPost::comments().load(&flat, &self.db).await?;
            sum += comments
                .iter()
                .flatten()
                .map(|c| comment_sum(c.id.into(), c.post_id.into(), &c.text))
                .sum::<u64>();
        }
        Ok(sum)
    }
}

impl Contender for Orm {
    fn name(&self) -> String {
        self.name.into()
    }

    fn run(&self, workload: Workload) -> Option<Run<'_>> {
        every_workload(self, workload)
    }
}

/// `n` new users, from [`new_user`].
fn new_users(n: usize) -> Vec<BenchUser> {
    (0..n)
        .map(|i| {
            let (name, hair) = new_user(i);
            BenchUser {
                id: 0,
                name,
                hair_color: hair.map(str::to_owned),
            }
        })
        .collect()
}
