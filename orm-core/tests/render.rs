//! The SQL each builder feature renders, per dialect: one snapshot per feature, listing
//! the SQL and the bound values on SQLite, PostgreSQL and MySQL in turn.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test -p orm-core --test render`, then read
//! the changed `.snap` files in `tests/snapshots/`: each is the SQL that runs.

// The models exist for their column handles; their fields are never read.
#![allow(dead_code)]

use orm_core::prelude::*;
use orm_core::query::{Selection, Update};
use orm_core::{Statement, Value};

#[derive(Model)]
#[orm(table = "users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    name: String,
    email: Option<String>,
    age: i32,
    score: f64,
    #[orm(references(Team))]
    team_id: Option<i64>,
}

#[derive(Model)]
#[orm(table = "teams")]
struct Team {
    #[orm(primary_key)]
    id: i64,
    name: String,
    active: bool,
}

#[derive(Model)]
struct Counter {
    #[orm(primary_key)]
    name: String,
    hits: i64,
    previous: i64,
}

/// Names that are keywords or hold a dialect's quote character.
#[derive(Model)]
#[orm(table = "order")]
struct Order {
    #[orm(primary_key)]
    id: i64,
    select: String,
    group: i32,
    #[orm(column = "we\"ird")]
    double_quoted: String,
    #[orm(column = "we`ird")]
    backticked: i64,
}

fn show(dialect: Dialect, statement: Result<Statement>) -> String {
    match statement {
        Ok(Statement { sql, values }) => format!("{dialect}: {sql}\n    {values:?}"),
        Err(e) => format!("{dialect}: error: {e}"),
    }
}

/// Every dialect's rendering of `render`, one after the other.
fn each_dialect(render: impl Fn(Dialect) -> Result<Statement>) -> String {
    Dialect::ALL.map(|d| show(d, render(d))).join("\n")
}

/// A query, in every dialect.
fn select<M, S: Selection<M>>(query: Select<M, S>) -> String {
    each_dialect(|d| Ok(query.to_sql(d)))
}

/// Several queries, each in every dialect.
fn selects<M, S: Selection<M>>(queries: impl IntoIterator<Item = Select<M, S>>) -> String {
    queries
        .into_iter()
        .map(select)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Users filtered by each condition, in every dialect.
fn filters(conditions: impl IntoIterator<Item = Expr<User>>) -> String {
    selects(
        conditions
            .into_iter()
            .map(|c| User::query().select(User::id).filter(c)),
    )
}

fn update<M: Model>(update: Update<M>) -> String {
    each_dialect(|d| update.to_sql(d))
}

fn delete<M: Model, S: Selection<M>>(query: Select<M, S>) -> String {
    each_dialect(|d| query.delete_sql(d))
}

#[test]
fn whole_model() {
    insta::assert_snapshot!(select(User::query()));
}

#[test]
fn comparison_operators() {
    insta::assert_snapshot!(filters([
        User::id.eq(1),
        User::name.ne("ann"),
        User::age.lt(3),
        User::age.le(4),
        User::score.gt(5.5),
        User::score.ge(6.0),
    ]));
}

#[test]
fn comparisons_between_columns() {
    insta::assert_snapshot!(filters([
        User::age.lt(User::age.add(1)),
        User::team_id.eq(User::team_id),
        User::email.ne(User::email),
    ]));
}

#[test]
fn null_comparisons() {
    insta::assert_snapshot!(filters([
        User::email.is_null(),
        User::email.is_not_null(),
        User::email.eq(None),
        User::email.ne(None),
        User::team_id.eq(Some(3)),
        User::team_id.add(1).eq(None),
    ]));
}

#[test]
fn in_lists() {
    insta::assert_snapshot!(filters([
        User::id.is_in([1, 2, 3]),
        User::name.not_in(["ann", "bob"]),
        User::id.is_in(Vec::<i64>::new()),
        User::id.not_in(Vec::<i64>::new()),
        User::id.is_in(Vec::<i64>::new()).or(User::age.eq(1)),
    ]));
}

/// PostgreSQL numbers placeholders through subqueries, in the order of the text.
#[test]
fn in_subquery() {
    let active_teams = Team::query()
        .filter(Team::active.eq(true).and(Team::name.ne("x")))
        .select(Team::id);
    let nested = Team::query()
        .filter(Team::id.in_query(User::query().filter(User::age.gt(30)).select(User::team_id)))
        .select(Team::id);
    insta::assert_snapshot!(filters([
        User::age
            .gt(18)
            .and(User::team_id.in_query(active_teams.clone()))
            .and(User::name.like("a%")),
        User::team_id.not_in_query(active_teams),
        User::team_id.in_query(nested).or(User::age.eq(99)),
    ]));
}

/// On MySQL an IN subquery reads a derived table, which MySQL materializes (its LIMIT
/// makes sure): that lifts MySQL's refusals of a LIMIT in an IN subquery and of a
/// subquery reading the table that an UPDATE or DELETE writes.
#[test]
fn in_subquery_with_limit_and_on_the_written_table() {
    let oldest = User::query()
        .order_by(User::age.desc())
        .limit(2)
        .select(User::id);
    let adults = User::query().filter(User::age.ge(18)).select(User::id);
    insta::assert_snapshot!(
        [
            filters([User::id.in_query(oldest)]),
            delete(User::query().filter(User::id.in_query(adults.clone()))),
            update(
                User::query()
                    .filter(User::id.not_in_query(adults))
                    .update()
                    .set(User::age, 18)
            ),
        ]
        .join("\n\n")
    );
}

#[test]
fn like_and_ilike() {
    insta::assert_snapshot!(filters([
        User::name.like("a%"),
        User::name.not_like("%_x"),
        User::name.ilike("A%"),
        User::email.ilike("%@EXAMPLE.com").not(),
        User::name.like(User::name),
        // A backslash escapes a wildcard on every backend (SQLite is told so by ESCAPE).
        User::name.like("100\\%"),
    ]));
}

#[test]
fn between() {
    insta::assert_snapshot!(filters([
        User::age.between(18, 65),
        User::age.between(User::age.sub(1), 10).and(User::id.eq(1)),
    ]));
}

#[test]
fn and_or_not_precedence() {
    let a = || User::id.eq(1);
    let b = || User::id.eq(2);
    let c = || User::age.gt(3);
    insta::assert_snapshot!(filters([
        a().or(b()).and(c()),
        a().or(b().and(c())),
        a().and(b()).or(c()),
        a().and(b().or(c())),
        a().and(b()).and(c()),
        a().or(b()).or(c()),
        !a().and(b()),
        Expr::all([a(), b().or(c())]).unwrap(),
    ]));
}

#[test]
fn chained_filters_and() {
    insta::assert_snapshot!(select(
        User::query()
            .select(User::id)
            .filter(User::id.eq(1).or(User::id.eq(2)))
            .filter(User::age.gt(3))
    ));
}

#[test]
fn arithmetic() {
    insta::assert_snapshot!(filters([
        User::age.add(1).eq(2),
        ((User::age + 1) * 2).eq(4),
        (User::age * 2 + 1).eq(5),
        (User::age - (User::age - 1)).eq(1),
        (User::age - User::age - 1).eq(1),
        // Integer division truncates everywhere: MySQL spells it DIV.
        (User::age / 2).eq(3),
        (User::age / (User::age / 2)).eq(3),
        (User::age * (User::age / 2)).eq(3),
        (User::age + (User::age - 2)).eq(3),
        (User::age + (User::age + 2) + User::age * (User::age * 2)).eq(3),
        (User::score / 2.0).lt(User::score * User::score),
    ]));
}

#[test]
fn order_by_and_nulls() {
    let q = || User::query().select(User::id);
    insta::assert_snapshot!(selects([
        q().order_by(User::name),
        q().order_by(User::name.desc()).order_by(User::id.asc()),
        q().order_by(User::email.asc().nulls_first()),
        q().order_by(User::email.asc().nulls_last()),
        q().order_by(User::email.desc().nulls_first()),
        q().order_by(User::email.desc().nulls_last()),
        q().order_by(User::team_id.add(1).desc().nulls_last()),
    ]));
}

#[test]
fn limit_and_offset() {
    let q = || User::query().select(User::id).order_by(User::id);
    insta::assert_snapshot!(selects([
        q().limit(10),
        q().limit(10).offset(20),
        q().offset(5),
        q().limit(0),
    ]));
}

#[test]
fn distinct() {
    insta::assert_snapshot!(select(
        User::query()
            .select((User::team_id, User::age))
            .distinct()
            .filter(User::age.gt(1))
    ));
}

#[test]
fn select_columns_and_expressions() {
    insta::assert_snapshot!(
        [
            select(User::query().select(User::name)),
            select(User::query().select((User::id, User::name, User::email))),
            select(User::query().select((User::id, User::age.add(1), User::score.mul(2.0)))),
        ]
        .join("\n\n")
    );
}

/// Sums are cast so they decode the same everywhere: BIGINT for integers, DOUBLE for
/// floats and averages, in each dialect's spelling.
#[test]
fn aggregates_group_by_having() {
    let per_team = User::query()
        .select((
            User::team_id,
            count_all(),
            User::email.count(),
            User::name.count_distinct(),
            User::age.sum(),
            User::score.sum(),
            User::age.avg(),
            User::score.avg(),
        ))
        .filter(User::age.ge(18))
        .group_by(User::team_id)
        .having(count_all().gt(1))
        .having(User::age.sum().lt(1000))
        .order_by(count_all().desc());
    let extremes = User::query().select((
        User::age.min(),
        User::age.max(),
        User::name.min(),
        User::score.max(),
        User::email.max(),
    ));
    let two_keys = User::query()
        .select((User::team_id, User::age, count_all()))
        .group_by(User::team_id)
        .group_by(User::age);
    insta::assert_snapshot!([select(per_team), select(extremes), select(two_keys)].join("\n\n"));
}

#[test]
fn update_with_set_expressions() {
    insta::assert_snapshot!(
        [
            update(
                User::query()
                    .filter(User::id.eq(7))
                    .update()
                    .set(User::name, "ann")
                    .set(User::age, User::age.add(1))
                    .set(User::email, None)
                    .set(User::team_id, User::team_id)
            ),
            update(User::query().update().set(User::score, User::score * 2.0)),
        ]
        .join("\n\n")
    );
}

/// Every expression reads the row as it was: MySQL, which reads values assigned before
/// in the same statement, gets the assignments reordered, and refuses a swap. Setting a
/// column again replaces its value.
#[test]
fn update_assignment_order() {
    let update_all = || Counter::query().update();
    insta::assert_snapshot!(
        [
            update(
                update_all()
                    .set(Counter::hits, Counter::hits + 1)
                    .set(Counter::previous, Counter::hits)
                    .set(Counter::name, "x")
            ),
            update(
                update_all()
                    .set(Counter::previous, Counter::hits * 2)
                    .set(Counter::hits, Counter::previous.add(1))
            ),
            update(update_all().set(Counter::hits, 1).set(Counter::hits, 2)),
        ]
        .join("\n\n")
    );
}

/// Only `filter` applies to an update or delete; anything else is refused.
#[test]
fn update_refused() {
    insta::assert_snapshot!(
        [
            update(User::query().limit(1).update().set(User::age, 1)),
            update(User::query().order_by(User::id).update().set(User::age, 1)),
            update(User::query().filter(User::id.eq(1)).update()),
        ]
        .join("\n\n")
    );
}

#[test]
fn delete_by_filter() {
    insta::assert_snapshot!(
        [
            delete(User::query().filter(User::age.lt(18).or(User::email.is_null()))),
            delete(User::query()),
            delete(User::query().filter(User::id.eq(1)).offset(1)),
            delete(User::query().distinct()),
        ]
        .join("\n\n")
    );
}

fn user() -> User {
    User {
        id: 7,
        name: "ann".into(),
        email: None,
        age: 30,
        score: 1.5,
        team_id: Some(2),
    }
}

/// The model's own statements: `insert` (generated key left out, and how it comes back),
/// `update` by primary key, and a model without a generated key.
#[test]
fn model_insert_and_update() {
    let counter = Counter {
        name: "visits".into(),
        hits: 3,
        previous: 2,
    };
    insta::assert_snapshot!(
        [
            each_dialect(|d| user().insert_sql(d)),
            each_dialect(|d| user().update_sql(d)),
            each_dialect(|d| counter.insert_sql(d)),
            each_dialect(|d| counter.update_sql(d)),
        ]
        .join("\n\n")
    );
}

/// Upserts: on a unique column updating every other column, updating chosen columns,
/// doing nothing, and on the generated key itself (which is then sent).
#[test]
fn model_upsert() {
    use orm_core::query::Upsert;
    let upserts = [
        Upsert::on(User::name),
        Upsert::on(User::name).update(User::age).update(User::score),
        Upsert::on(User::name).do_nothing(),
        Upsert::on_key(),
        Upsert::on(User::email),
    ];
    insta::assert_snapshot!(
        upserts
            .iter()
            .map(|u| each_dialect(|d| u.to_sql(&user(), d)))
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// Scalar functions, spelled per dialect (MySQL counts characters with `CHAR_LENGTH`).
#[test]
fn scalar_functions() {
    let text = User::query()
        .select((User::name.lower(), User::name.upper(), User::name.length()))
        .filter(User::email.coalesce("none").ne("none"));
    let numbers = User::query()
        .select((User::age.abs(), User::team_id.coalesce(0)))
        .order_by(User::score.abs().desc());
    insta::assert_snapshot!([select(text), select(numbers)].join("\n\n"));
}

#[derive(Model)]
#[orm(table = "events")]
struct Event {
    #[orm(primary_key)]
    id: i64,
    at: chrono::DateTime<chrono::Utc>,
    local: chrono::NaiveDateTime,
    on: Option<chrono::NaiveDate>,
}

#[test]
fn rounding_casts_and_cases() {
    let q = User::query()
        .select((
            User::score.round(2),
            User::name.cast_to_integer(),
            User::age.cast_to_text(),
            User::team_id.cast_to_float(),
            User::age
                .ge(18)
                .then("adult")
                .when(User::age.ge(13), "teen")
                .otherwise("child"),
            User::email.is_null().then(User::name).end(),
        ))
        .order_by(User::age.gt(65).then(1).otherwise(0));
    insta::assert_snapshot!(select(q));
}

#[test]
fn dates_and_now() {
    use orm_core::query::now;
    let q = Event::query()
        .select((
            Event::at.year(),
            Event::at.second(),
            Event::local.hour(),
            Event::on.month(),
            Event::on.day(),
        ))
        .filter(Event::at.lt(now()))
        .filter(Event::local.ge(now()));
    insta::assert_snapshot!(select(q));
}

#[test]
fn quoted_identifiers() {
    let q = Order::query()
        .filter(
            Order::select
                .eq("it's")
                .and(Order::double_quoted.like("%\"%"))
                .and(Order::backticked.gt(1)),
        )
        .order_by(Order::group.desc().nulls_first());
    insta::assert_snapshot!(
        [
            select(q.clone()),
            select(
                Order::query()
                    .select((Order::group, Order::backticked.sum()))
                    .group_by(Order::group)
            ),
            update(
                Order::query()
                    .filter(Order::group.eq(1))
                    .update()
                    .set(Order::backticked, Order::backticked + 1)
                    .set(Order::double_quoted, "we\"ird`")
            ),
            delete(Order::query().filter(Order::double_quoted.eq("x"))),
        ]
        .join("\n\n")
    );
}

/// Values keep their Rust type, NULLs included (PostgreSQL needs typed NULLs).
#[test]
fn bound_values_are_typed() {
    let st = User::query()
        .filter(User::email.eq(None::<String>).or(User::team_id.eq(Some(5))))
        .limit(3)
        .to_sql(Dialect::Postgres);
    // `= NULL` is rendered as IS NULL: the NULL is not bound at all.
    assert_eq!(st.values, [Value::I64(Some(5)), Value::I64(Some(3))]);
}

orm_core::alias!(Lead = User);

#[test]
fn joins_through_relations() {
    let members = || User::team().reverse();
    insta::assert_snapshot!(
        [
            select(
                User::query()
                    .join(User::team())
                    .filter(Team::active.eq(true))
            ),
            select(
                Team::query()
                    .left_join(members().filter(User::age.ge(18)))
                    .order_by(Team::name)
                    .order_by(User::name.desc())
            ),
            select(
                Team::query()
                    .join(members())
                    .group_by(Team::name)
                    .having(User::id.count().gt(2))
                    .select((Team::name, User::score.avg()))
            ),
            select(
                User::query()
                    .join(User::team())
                    .join(members().to::<Lead>())
                    .filter(Lead::col(User::age).gt(40).not())
                    .limit(5)
            ),
        ]
        .join("\n\n")
    );
}

#[test]
fn exists_on_relations() {
    let members = || User::team().reverse();
    insta::assert_snapshot!(selects([
        Team::query().select(Team::id).filter(members().exists()),
        Team::query()
            .select(Team::id)
            .filter(members().any(User::name.like("a%")).not()),
        Team::query()
            .select(Team::id)
            .filter(members().any(User::team().any(Team::active.eq(false)))),
    ]));
}

#[test]
fn long_in_lists_are_one_array_on_postgres() {
    let ids: Vec<i64> = (0..2_000).collect();
    let q = User::query().select(User::id).filter(User::id.is_in(ids));
    let pg = q.to_sql(Dialect::Postgres);
    assert!(
        pg.sql.ends_with(r#"WHERE "users"."id" = ANY($1)"#),
        "{}",
        pg.sql
    );
    assert_eq!(pg.values.len(), 1);
    // Up to 1024 values, bound one by one, as everywhere.
    let q = User::query()
        .select(User::id)
        .filter(User::id.is_in(0..1_000_i64));
    assert_eq!(
        q.to_sql(Dialect::Postgres).values.len(),
        1_024,
        "padded to a power of two"
    );
}
