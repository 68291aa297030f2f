//! SeaORM 2, on its own pool (`Database::connect`, sqlx 0.9 underneath): the dense entity
//! format (`#[sea_orm::model]`, relations on the model), `find`, `find_also_related`,
//! `insert_many`, `load_many`, `find_by_id`, `stream`, and `ActiveModel` updates in a
//! transaction.

use futures_util::TryStreamExt;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectOptions, Database, DatabaseConnection,
    EntityTrait, IntoActiveModel, LoaderTrait, QueryFilter, TransactionTrait,
};

use super::{Contender, Library, POOL_SIZE, Run, every_workload};
use crate::workload::{Workload, comment_sum, new_user, post_sum, toggled, user_sum};

/// `ob_users`, diesel_bench's user.
mod user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ob_users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
        #[sea_orm(has_many)]
        pub posts: HasMany<super::post::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `ob_posts`, diesel_bench's post.
mod post {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ob_posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
        #[sea_orm(belongs_to, from = "user_id", to = "id")]
        pub user: BelongsTo<super::user::Entity>,
        #[sea_orm(has_many)]
        pub comments: HasMany<super::comment::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// `ob_comments`, diesel_bench's comment.
mod comment {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ob_comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub post_id: i32,
        pub text: String,
        #[sea_orm(belongs_to, from = "post_id", to = "id")]
        pub post: BelongsTo<super::post::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

fn user_sum_of(u: &user::Model) -> u64 {
    user_sum(u.id.into(), &u.name, u.hair_color.as_deref())
}

fn post_sum_of(p: &post::Model) -> u64 {
    post_sum(p.id.into(), p.user_id.into(), &p.title, p.body.as_deref())
}

/// SeaORM on its own `DatabaseConnection` (a sqlx pool of [`POOL_SIZE`]).
pub struct SeaOrm {
    db: DatabaseConnection,
}

impl SeaOrm {
    /// `Database::connect` on `url`, with `max_connections` = [`POOL_SIZE`].
    pub async fn connect(url: &str) -> anyhow::Result<SeaOrm> {
        let mut options = ConnectOptions::new(url);
        options.max_connections(POOL_SIZE);
        Ok(SeaOrm {
            db: Database::connect(options).await?,
        })
    }
}

impl Library for SeaOrm {
    async fn trivial(&self) -> anyhow::Result<u64> {
        let users = user::Entity::find().all(&self.db).await?;
        Ok(users.iter().map(user_sum_of).sum())
    }

    async fn medium(&self) -> anyhow::Result<u64> {
        let rows: Vec<(user::Model, Option<post::Model>)> = user::Entity::find()
            .find_also_related(post::Entity)
            .filter(user::Column::HairColor.eq("black"))
            .all(&self.db)
            .await?;
        Ok(rows
            .iter()
            .map(|(u, p)| user_sum_of(u) + p.as_ref().map_or(0, post_sum_of))
            .sum())
    }

    async fn insert(&self, n: usize) -> anyhow::Result<u64> {
        let users = (0..n).map(|i| {
            let (name, hair) = new_user(i);
            user::ActiveModel {
                name: Set(name),
                hair_color: Set(hair.map(str::to_owned)),
                ..Default::default()
            }
        });
        // One multi-row INSERT; the row count without `RETURNING` the keys.
        Ok(user::Entity::insert_many(users)
            .exec_without_returning(&self.db)
            .await?)
    }

    async fn get_by_key(&self, n: usize) -> anyhow::Result<u64> {
        let mut sum = 0;
        for id in 1..=i32::try_from(n)? {
            let u = user::Entity::find_by_id(id)
                .one(&self.db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("user {id} is missing"))?;
            sum += user_sum_of(&u);
        }
        Ok(sum)
    }

    async fn stream(&self) -> anyhow::Result<u64> {
        Ok(user::Entity::find()
            .stream(&self.db)
            .await?
            .try_fold(0u64, |sum, u| async move { Ok(sum + user_sum_of(&u)) })
            .await?)
    }

    async fn flush(&self) -> anyhow::Result<u64> {
        let txn = self.db.begin().await?;
        let users = user::Entity::find().all(&txn).await?;
        let mut written = 0;
        for u in users {
            let hair = toggled(u.hair_color.as_deref());
            let mut active = u.into_active_model();
            active.hair_color = Set(Some(hair.to_owned()));
            active.update(&txn).await?;
            written += 1;
        }
        txn.commit().await?;
        Ok(written)
    }

    /// Users, then their posts with `load_many` (one `IN` query), then (with `comments`)
    /// the posts' comments the same way, each grouped per parent.
    async fn levels(&self, comments: bool) -> anyhow::Result<u64> {
        let users = user::Entity::find().all(&self.db).await?;
        let posts: Vec<Vec<post::Model>> = users.load_many(post::Entity, &self.db).await?;
        let flat: Vec<post::Model> = posts.into_iter().flatten().collect();
        let mut sum =
            users.iter().map(user_sum_of).sum::<u64>() + flat.iter().map(post_sum_of).sum::<u64>();
        if comments {
            let comments: Vec<Vec<comment::Model>> =
                flat.load_many(comment::Entity, &self.db).await?;
            sum += comments
                .iter()
                .flatten()
                .map(|c| comment_sum(c.id.into(), c.post_id.into(), &c.text))
                .sum::<u64>();
        }
        Ok(sum)
    }
}

impl Contender for SeaOrm {
    fn name(&self) -> String {
        "SeaORM".into()
    }

    fn run(&self, workload: Workload) -> Option<Run<'_>> {
        every_workload(self, workload)
    }
}
