//! Joins through relations, self-joins under aliases, correlated `EXISTS`, many-to-many
//! through an association model, and aggregates over a join, on every backend; each
//! result is compared with what the same question asked in plain SQL returns.

use orm_core::prelude::*;
use orm_core::query::Source;
use orm_core::{Relation, RelationKind};
use orm_tests::{TestResult, backend_tests, statements_of};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "join_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "join_posts")]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(User))]
    author_id: i64,
    title: String,
    views: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "join_comments")]
struct Comment {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Post))]
    post_id: i64,
    // Not `_id`: the relation is named here.
    #[orm(references(User), relation = "commenter")]
    by: Option<i64>,
    text: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "join_tags")]
struct Tag {
    #[orm(primary_key)]
    id: i64,
    label: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "join_post_tags")]
struct PostTag {
    #[orm(primary_key, references(Post))]
    post_id: i64,
    #[orm(primary_key, references(Tag))]
    tag_id: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "join_employees")]
struct Employee {
    #[orm(primary_key)]
    id: i64,
    name: String,
    #[orm(references(Self))]
    manager_id: Option<i64>,
}

orm_core::alias!(Manager = Employee);

impl User {
    fn posts() -> Relation<User, Post> {
        Post::author().reverse()
    }
}

impl Post {
    fn comments() -> Relation<Post, Comment> {
        Comment::post().reverse()
    }
    fn tags() -> Relation<Post, Tag> {
        Relation::through(PostTag::post().reverse(), PostTag::tag())
    }
}

/// Three users (the last without posts), four posts, comments on two of them, tags.
async fn fixture(db: &Database) -> Result<()> {
    db.create_tables(&[
        User::table_def(),
        Post::table_def(),
        Comment::table_def(),
        Tag::table_def(),
        PostTag::table_def(),
        Employee::table_def(),
    ])
    .await?;
    let mut users: Vec<User> = ["ann", "bob", "cy"]
        .map(|n| User {
            id: 0,
            name: n.into(),
        })
        .into();
    User::insert_many(&mut users, db).await?;
    let mut posts: Vec<Post> = [(0, "a1", 10), (0, "a2", 30), (1, "b1", 5), (0, "a3", 0)]
        .map(|(u, t, v)| Post {
            id: 0,
            author_id: users[u].id,
            title: t.into(),
            views: v,
        })
        .into();
    Post::insert_many(&mut posts, db).await?;
    let mut comments: Vec<Comment> = [(0, Some(1), "nice"), (0, None, "anon"), (2, Some(0), "ok")]
        .map(|(p, by, text)| Comment {
            id: 0,
            post_id: posts[p].id,
            by: by.map(|u: usize| users[u].id),
            text: text.into(),
        })
        .into();
    Comment::insert_many(&mut comments, db).await?;
    let mut tags: Vec<Tag> = ["rust", "sql"]
        .map(|l| Tag {
            id: 0,
            label: l.into(),
        })
        .into();
    Tag::insert_many(&mut tags, db).await?;
    let mut links: Vec<PostTag> = [(0, 0), (0, 1), (2, 0)]
        .map(|(p, t)| PostTag {
            post_id: posts[p].id,
            tag_id: tags[t].id,
        })
        .into();
    PostTag::insert_many(&mut links, db).await?;
    let mut boss = Employee {
        id: 0,
        name: "boss".into(),
        manager_id: None,
    };
    boss.insert(db).await?;
    let mut lead = Employee {
        id: 0,
        name: "lead".into(),
        manager_id: Some(boss.id),
    };
    lead.insert(db).await?;
    Employee {
        id: 0,
        name: "dev".into(),
        manager_id: Some(lead.id),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Rows of a raw query as `(String, String)` pairs.
async fn pairs(db: &Database, sql: &'static str) -> Result<Vec<(String, String)>> {
    raw(sql).fetch_as(db).await
}

/// An inner join to a belongs-to relation: both models per row, filtered and ordered on
/// the related model's columns.
async fn inner_join_filters_on_both_sides(db: Database) -> TestResult {
    fixture(&db).await?;
    let rows: Vec<(Post, User)> = Post::query()
        .join(Post::author())
        .filter(User::name.eq("ann"))
        .filter(Post::views.gt(0))
        .order_by(User::name)
        .order_by(Post::views.desc())
        .all(&db)
        .await?;
    let got: Vec<(String, String)> = rows
        .iter()
        .map(|(p, u)| (p.title.clone(), u.name.clone()))
        .collect();
    let expected = pairs(
        &db,
        "SELECT p.title, u.name FROM join_posts p JOIN join_users u ON u.id = p.author_id \
         WHERE u.name = 'ann' AND p.views > 0 ORDER BY u.name, p.views DESC",
    )
    .await?;
    assert_eq!(got, expected);
    assert_eq!(
        got,
        [("a2".into(), "ann".into()), ("a1".into(), "ann".into())]
    );
    // Every row's sides belong together.
    assert!(rows.iter().all(|(p, u)| p.author_id == u.id));
    assert_eq!(Post::query().join(Post::author()).count(&db).await?, 4);
    Ok(())
}

/// A filter comparing a column of each side of a join.
async fn conditions_across_tables(db: Database) -> TestResult {
    fixture(&db).await?;
    let later: Vec<(String, String)> = Post::query()
        .join(Post::author())
        .filter(Post::id.gt_col(User::id))
        .filter(Post::views.ge(0))
        .filter(User::id.le_col(Post::id).and(User::id.ne_col(Post::id)))
        .order_by(Post::id)
        .select((Post::title, User::name))
        .all(&db)
        .await?;
    let expected = pairs(
        &db,
        "SELECT p.title, u.name FROM join_posts p JOIN join_users u ON u.id = p.author_id \
         WHERE p.id > u.id ORDER BY p.id",
    )
    .await?;
    assert_eq!(later, expected);
    assert!(!later.is_empty());
    Ok(())
}

/// A left join keeps the users without posts, with `None` on the missing side.
async fn left_join_returns_none_for_missing_rows(db: Database) -> TestResult {
    fixture(&db).await?;
    let rows: Vec<(User, Option<Post>)> = User::query()
        .left_join(User::posts())
        .order_by(User::name)
        .order_by(Post::title)
        .all(&db)
        .await?;
    let got: Vec<(String, Option<String>)> = rows
        .into_iter()
        .map(|(u, p)| (u.name, p.map(|p| p.title)))
        .collect();
    let expected: Vec<(String, Option<String>)> = raw(
        "SELECT u.name, p.title FROM join_users u LEFT JOIN join_posts p ON p.author_id = u.id \
         ORDER BY u.name, p.title",
    )
    .fetch_as(&db)
    .await?;
    assert_eq!(got, expected);
    assert_eq!(got.last(), Some(&("cy".to_string(), None)));
    assert_eq!(got.len(), 5);
    // A filter on the relation goes into ON: users keep their row, posts are cut.
    let popular: Vec<(User, Option<Post>)> = User::query()
        .left_join(User::posts().filter(Post::views.ge(10)))
        .order_by(User::name)
        .order_by(Post::title)
        .all(&db)
        .await?;
    let names: Vec<(&str, Option<&str>)> = popular
        .iter()
        .map(|(u, p)| (u.name.as_str(), p.as_ref().map(|p| p.title.as_str())))
        .collect();
    assert_eq!(
        names,
        [
            ("ann", Some("a1")),
            ("ann", Some("a2")),
            ("bob", None),
            ("cy", None)
        ]
    );
    Ok(())
}

/// Three tables: users -> posts -> comments, with a left join at the end; a comment's
/// second foreign key to users is joined under an alias.
async fn three_tables_and_an_alias(db: Database) -> TestResult {
    fixture(&db).await?;
    orm_core::alias!(Commenter = User);
    let rows: Vec<(User, Post, Comment, Option<User>)> = User::query()
        .join(User::posts())
        .join(Post::comments())
        .left_join(Comment::commenter().to::<Commenter>())
        .order_by(Comment::id)
        .all(&db)
        .await?;
    let got: Vec<(String, String, String, Option<String>)> = rows
        .into_iter()
        .map(|(u, p, c, by)| (u.name, p.title, c.text, by.map(|b| b.name)))
        .collect();
    let expected: Vec<(String, String, String, Option<String>)> =
        raw("SELECT u.name, p.title, c.text, b.name FROM join_users u \
         JOIN join_posts p ON p.author_id = u.id JOIN join_comments c ON c.post_id = p.id \
         LEFT JOIN join_users b ON b.id = c.by ORDER BY c.id")
        .fetch_as(&db)
        .await?;
    assert_eq!(got, expected);
    assert_eq!(
        got[0],
        ("ann".into(), "a1".into(), "nice".into(), Some("bob".into()))
    );
    assert_eq!(got[1].3, None);
    // Filtering on the alias reads the alias's row, not the author's.
    let by_ann: Vec<String> = User::query()
        .join(User::posts())
        .join(Post::comments())
        .join(Comment::commenter().to::<Commenter>())
        .filter(Commenter::col(User::name).eq("ann"))
        .select(Comment::text)
        .all(&db)
        .await?;
    assert_eq!(by_ann, ["ok"]);
    Ok(())
}

/// A table joined to itself: each employee with their manager, under an alias.
async fn self_join(db: Database) -> TestResult {
    fixture(&db).await?;
    let rows: Vec<(Employee, Option<Employee>)> = Employee::query()
        .left_join(Employee::manager().to::<Manager>())
        .order_by(Employee::id)
        .all(&db)
        .await?;
    let got: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|(e, m)| (e.name.as_str(), m.as_ref().map(|m| m.name.as_str())))
        .collect();
    assert_eq!(
        got,
        [
            ("boss", None),
            ("lead", Some("boss")),
            ("dev", Some("lead"))
        ]
    );
    assert_eq!(Manager::ALIAS, Some("Manager"));
    // The reports of "lead": the other direction, from the alias.
    let reports: Vec<String> = Employee::query()
        .join(Employee::manager().to::<Manager>())
        .filter(Manager::col(Employee::name).eq("lead"))
        .select(Employee::name)
        .all(&db)
        .await?;
    assert_eq!(reports, ["dev"]);
    // EXISTS on a relation of a table to itself: employees who manage someone.
    let managers: Vec<String> = Employee::query()
        .filter(Employee::manager().reverse().exists())
        .order_by(Employee::id)
        .select(Employee::name)
        .all(&db)
        .await?;
    assert_eq!(managers, ["boss", "lead"]);
    // Nested: employees with a report who has reports of their own.
    let reports = || Employee::manager().reverse();
    let grand: Vec<String> = Employee::query()
        .filter(reports().any(reports().exists()))
        .select(Employee::name)
        .all(&db)
        .await?;
    assert_eq!(grand, ["boss"]);
    Ok(())
}

/// Correlated `EXISTS`: users with a post, without one, with a popular one.
async fn exists_and_any(db: Database) -> TestResult {
    fixture(&db).await?;
    let names = async |condition: Expr<User>| -> Result<Vec<String>> {
        User::query()
            .filter(condition)
            .order_by(User::name)
            .select(User::name)
            .all(&db)
            .await
    };
    assert_eq!(names(User::posts().exists()).await?, ["ann", "bob"]);
    assert_eq!(names(User::posts().exists().not()).await?, ["cy"]);
    assert_eq!(names(User::posts().any(Post::views.gt(20))).await?, ["ann"]);
    // Posts whose comments include one by bob, two levels down.
    let commented_by_bob: Vec<String> = Post::query()
        .filter(Post::comments().any(Comment::commenter().any(User::name.eq("bob"))))
        .select(Post::title)
        .all(&db)
        .await?;
    assert_eq!(commented_by_bob, ["a1"]);
    let expected: Vec<(String,)> = raw("SELECT u.name FROM join_users u WHERE EXISTS \
         (SELECT 1 FROM join_posts p WHERE p.author_id = u.id AND p.views > 20)")
    .fetch_as(&db)
    .await?;
    assert_eq!(expected, [("ann".to_string(),)]);
    Ok(())
}

/// Many-to-many through an association model: join, left join and `any`.
async fn many_to_many(db: Database) -> TestResult {
    fixture(&db).await?;
    assert_eq!(Post::tags().kind(), RelationKind::ManyToMany);
    let tagged: Vec<(String, String)> = Post::query()
        .join(Post::tags())
        .order_by(Post::title)
        .order_by(Tag::label)
        .select((Post::title, Tag::label))
        .all(&db)
        .await?;
    let expected = pairs(
        &db,
        "SELECT p.title, t.label FROM join_posts p JOIN join_post_tags pt ON pt.post_id = p.id \
         JOIN join_tags t ON t.id = pt.tag_id ORDER BY p.title, t.label",
    )
    .await?;
    assert_eq!(tagged, expected);
    assert_eq!(tagged.len(), 3);
    let untagged: Vec<(Post, Option<Tag>)> = Post::query()
        .left_join(Post::tags())
        .filter(Tag::id.is_null())
        .order_by(Post::title)
        .all(&db)
        .await?;
    let titles: Vec<&str> = untagged.iter().map(|(p, _)| p.title.as_str()).collect();
    assert_eq!(titles, ["a2", "a3"]);
    // A filtered left join: one row per post, the matching tag or none (a1 has two
    // tags, one of them `sql`; b1 has only `rust`).
    let sql_tags: Vec<(String, Option<String>)> = Post::query()
        .left_join(Post::tags().filter(Tag::label.eq("sql")))
        .order_by(Post::title)
        .all(&db)
        .await?
        .into_iter()
        .map(|(p, t)| (p.title, t.map(|t| t.label)))
        .collect();
    assert_eq!(
        sql_tags,
        [
            ("a1".into(), Some("sql".into())),
            ("a2".into(), None),
            ("a3".into(), None),
            ("b1".into(), None),
        ]
    );
    let rusty: Vec<String> = Post::query()
        .filter(Post::tags().any(Tag::label.eq("rust")))
        .order_by(Post::title)
        .select(Post::title)
        .all(&db)
        .await?;
    assert_eq!(rusty, ["a1", "b1"]);
    Ok(())
}

/// Columns of both sides, grouped, with aggregates over the joined table.
async fn aggregates_over_a_join(db: Database) -> TestResult {
    fixture(&db).await?;
    let per_user: Vec<(String, i64, Option<i64>)> = User::query()
        .left_join(User::posts())
        .group_by(User::name)
        .order_by(User::name)
        .select((User::name, Post::id.count(), Post::views.sum()))
        .all(&db)
        .await?;
    // The same numbers, counted in Rust from every post.
    let posts = Post::all(&db).await?;
    let mut expected = Vec::new();
    for u in User::query().order_by(User::name).all(&db).await? {
        let theirs: Vec<&Post> = posts.iter().filter(|p| p.author_id == u.id).collect();
        let sum = (!theirs.is_empty()).then(|| theirs.iter().map(|p| i64::from(p.views)).sum());
        expected.push((u.name, i64::try_from(theirs.len())?, sum));
    }
    assert_eq!(per_user, expected);
    assert_eq!(per_user[2], ("cy".to_string(), 0, None));
    let busy: Vec<String> = User::query()
        .join(User::posts())
        .group_by(User::name)
        .having(Post::id.count().gt(1))
        .select(User::name)
        .all(&db)
        .await?;
    assert_eq!(busy, ["ann"]);
    Ok(())
}

/// A column of a table the query does not read is refused before anything runs.
async fn a_table_not_joined_is_refused(db: Database) -> TestResult {
    fixture(&db).await?;
    let err = Post::query()
        .join(Post::author())
        .filter(Tag::label.eq("rust"))
        .all(&db)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidQuery(m) if m.contains("join_tags.label")),
        "{err}"
    );
    let err = Post::query()
        .join(Post::author())
        .select(Tag::label)
        .count(&db)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
    // A delete through a subquery would drop the subquery's filter: refused.
    let err = Post::query()
        .filter(Post::views.gt(100))
        .as_subquery::<Post>()
        .delete(&db)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
    assert_eq!(Post::query().count(&db).await?, 4, "nothing deleted");
    Ok(())
}

/// Loading through relations: a query per level whatever the number of parents,
/// groups in the parents' order, belongs-to rows copied to every child that names them,
/// many-to-many through the association table; each group as a join finds it.
async fn relations_load_in_one_query_per_level(db: Database) -> TestResult {
    fixture(&db).await?;
    let (loaded, statements) = statements_of(async {
        let users = User::query().order_by(User::name.desc()).all(&db).await?;
        let posts = User::posts().load(&users, &db).await?;
        let flat: Vec<Post> = posts.iter().flatten().cloned().collect();
        let comments = Post::comments().load(&flat, &db).await?;
        let tags = Post::tags().load(&flat, &db).await?;
        Ok::<_, Error>((users, posts, flat, comments, tags))
    })
    .await;
    let (users, posts, flat, comments, tags) = loaded?;
    assert_eq!(statements.len(), 4, "{statements:#?}");
    for (user, theirs) in users.iter().zip(&posts) {
        let joined: Vec<Post> = User::query()
            .join(User::posts())
            .filter(User::id.eq(user.id))
            .order_by(Post::id)
            .all(&db)
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(theirs, &joined, "posts of {}", user.name);
    }
    assert_eq!(posts.last().map(Vec::len), Some(3), "ann's, last by name");
    let texts: Vec<Vec<&str>> = comments
        .iter()
        .map(|g| g.iter().map(|c| c.text.as_str()).collect())
        .collect();
    let titles: Vec<&str> = flat.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["b1", "a1", "a2", "a3"]);
    assert_eq!(texts, [vec!["ok"], vec!["nice", "anon"], vec![], vec![]]);
    let labels: Vec<Vec<&str>> = tags
        .iter()
        .map(|g| g.iter().map(|t| t.label.as_str()).collect())
        .collect();
    assert_eq!(labels, [vec!["rust"], vec!["rust", "sql"], vec![], vec![]]);
    // Back up: every post gets its author, though three share one.
    let authors = Post::author().load_one(&flat, &db).await?;
    let names: Vec<&str> = authors
        .iter()
        .map(|u| u.as_ref().map_or("", |u| u.name.as_str()))
        .collect();
    assert_eq!(names, ["bob", "ann", "ann", "ann"]);
    // A NULL foreign key has no parent.
    let all_comments: Vec<Comment> = comments.into_iter().flatten().collect();
    let by = Comment::commenter().load_one(&all_comments, &db).await?;
    let by: Vec<Option<&str>> = by
        .iter()
        .map(|u| u.as_ref().map(|u| u.name.as_str()))
        .collect();
    assert_eq!(by, [Some("ann"), Some("bob"), None]);
    // One parent, and a relation with a filter.
    let ann = users.last().expect("three users");
    let popular = User::posts()
        .filter(Post::views.ge(10))
        .of(ann, &db)
        .await?;
    assert_eq!(
        popular.iter().map(|p| p.views).collect::<Vec<_>>(),
        [10, 30]
    );
    assert!(
        User::posts().of(&users[0], &db).await?.is_empty(),
        "cy has none"
    );
    Ok(())
}

backend_tests!(
    relations_load_in_one_query_per_level,
    inner_join_filters_on_both_sides,
    conditions_across_tables,
    left_join_returns_none_for_missing_rows,
    three_tables_and_an_alias,
    self_join,
    exists_and_any,
    many_to_many,
    aggregates_over_a_join,
    a_table_not_joined_is_refused,
);
