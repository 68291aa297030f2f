//! The typed query builder on every backend: each operator, NULL handling, IN lists and
//! subqueries, pattern matching, arithmetic, ordering with NULL placement, paging,
//! distinct, the terminal methods, selections, aggregates with grouping, updates and
//! deletes by filter, and identifiers that are SQL keywords or contain quote characters.
//!
//! Every test starts from the same seven products (see [`seed`]) and checks the rows a
//! user would see, in an explicit order: results never depend on a backend's row order.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "q_products")]
struct Product {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 64)]
    name: String,
    #[orm(max_length = 32)]
    category: String,
    price: f64,
    stock: i32,
    sold: i32,
    rating: Option<i32>,
    note: Option<String>,
}

/// Products picked out by name, for subqueries.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "q_featured")]
struct Featured {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 64)]
    product: String,
    rank: i32,
}

/// The seven products, inserted in this order (so in this key order). Prices are exact
/// in binary floating point, so sums and comparisons are exact on every backend; names
/// mix upper and lower case for the pattern-matching tests.
///
/// | name    | category  | price | stock | sold | rating | note       |
/// |---------|-----------|-------|-------|------|--------|------------|
/// | Apple   | fruit     | 1.5   | 10    | 4    | 4      |            |
/// | apricot | fruit     | 2.0   | 0     | 7    |        | seasonal   |
/// | Banana  | fruit     | 0.5   | 25    | 25   | 5      |            |
/// | Carrot  | vegetable | 0.75  | 40    | 10   | 3      | organic    |
/// | cabbage | vegetable | 1.25  | 5     | 8    |        |            |
/// | Milk    | dairy     | 1.0   | 12    | 30   | 4      | 50% off    |
/// | Cheese  | dairy     | 7.5   | 3     | 1    | 2      |            |
async fn seed(db: &Database) -> Result<Vec<Product>> {
    db.create_tables(&[Product::table_def(), Featured::table_def()])
        .await?;
    let rows = [
        ("Apple", "fruit", 1.5, 10, 4, Some(4), None),
        ("apricot", "fruit", 2.0, 0, 7, None, Some("seasonal")),
        ("Banana", "fruit", 0.5, 25, 25, Some(5), None),
        (
            "Carrot",
            "vegetable",
            0.75,
            40,
            10,
            Some(3),
            Some("organic"),
        ),
        ("cabbage", "vegetable", 1.25, 5, 8, None, None),
        ("Milk", "dairy", 1.0, 12, 30, Some(4), Some("50% off")),
        ("Cheese", "dairy", 7.5, 3, 1, Some(2), None),
    ];
    let mut products = Vec::new();
    for (name, category, price, stock, sold, rating, note) in rows {
        let mut p = Product {
            id: 0,
            name: name.into(),
            category: category.into(),
            price,
            stock,
            sold,
            rating,
            note: note.map(Into::into),
        };
        p.insert(db).await?;
        products.push(p);
    }
    for (product, rank) in [("Banana", 1), ("Cheese", 2), ("Ghost", 3)] {
        Featured {
            id: 0,
            product: product.into(),
            rank,
        }
        .insert(db)
        .await?;
    }
    Ok(products)
}

/// The names of the products matching `condition`, in key order.
async fn names(db: &Database, condition: Expr<Product>) -> Result<Vec<String>> {
    Product::query()
        .filter(condition)
        .order_by(Product::id)
        .select(Product::name)
        .all(db)
        .await
}

/// The names of every product in the order `query` returns them.
async fn names_of(db: &Database, query: Select<Product>) -> Result<Vec<String>> {
    query.select(Product::name).all(db).await
}

const ALL: [&str; 7] = [
    "Apple", "apricot", "Banana", "Carrot", "cabbage", "Milk", "Cheese",
];

async fn comparison_operators(db: Database) -> TestResult {
    let products = seed(&db).await?;
    assert_eq!(names(&db, Product::stock.eq(10)).await?, ["Apple"]);
    assert_eq!(
        names(&db, Product::stock.ne(10)).await?,
        ["apricot", "Banana", "Carrot", "cabbage", "Milk", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::stock.lt(5)).await?,
        ["apricot", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::stock.le(5)).await?,
        ["apricot", "cabbage", "Cheese"]
    );
    assert_eq!(names(&db, Product::stock.gt(25)).await?, ["Carrot"]);
    assert_eq!(
        names(&db, Product::stock.ge(25)).await?,
        ["Banana", "Carrot"]
    );
    // Floats, and text: equality is exact (case-sensitive) on every backend.
    assert_eq!(
        names(&db, Product::price.gt(1.25)).await?,
        ["Apple", "apricot", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::price.le(0.75)).await?,
        ["Banana", "Carrot"]
    );
    assert_eq!(names(&db, Product::name.eq("Milk")).await?, ["Milk"]);
    assert_eq!(
        names(&db, Product::name.eq("milk")).await?,
        Vec::<String>::new()
    );
    assert_eq!(
        names(&db, Product::name.eq("Milk".to_string())).await?,
        ["Milk"]
    );
    assert_eq!(
        names(&db, Product::name.eq(&products[2].name)).await?,
        ["Banana"]
    );
    // A nullable column compares with plain values.
    assert_eq!(names(&db, Product::rating.eq(4)).await?, ["Apple", "Milk"]);
    assert_eq!(
        names(&db, Product::rating.ge(Some(4))).await?,
        ["Apple", "Banana", "Milk"]
    );
    Ok(())
}

async fn null_comparisons(db: Database) -> TestResult {
    seed(&db).await?;
    let unrated = ["apricot", "cabbage"];
    let rated = ["Apple", "Banana", "Carrot", "Milk", "Cheese"];
    assert_eq!(names(&db, Product::rating.is_null()).await?, unrated);
    assert_eq!(names(&db, Product::rating.is_not_null()).await?, rated);
    // `= NULL` would match nothing: comparing with None means IS NULL / IS NOT NULL.
    assert_eq!(names(&db, Product::rating.eq(None)).await?, unrated);
    assert_eq!(names(&db, Product::rating.ne(None)).await?, rated);
    let none: Option<String> = None;
    assert_eq!(
        names(&db, Product::note.eq(none.clone())).await?,
        ["Apple", "Banana", "cabbage", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::note.ne(none)).await?,
        ["apricot", "Carrot", "Milk"]
    );
    // An expression can be NULL too.
    assert_eq!(names(&db, Product::rating.add(1).is_null()).await?, unrated);
    Ok(())
}

async fn in_lists(db: Database) -> TestResult {
    seed(&db).await?;
    assert_eq!(
        names(&db, Product::stock.is_in([0, 5, 40])).await?,
        ["apricot", "Carrot", "cabbage"]
    );
    assert_eq!(
        names(&db, Product::name.is_in(["Milk", "Cheese", "Ghost"])).await?,
        ["Milk", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::name.not_in(vec!["Milk".to_string()])).await?,
        ["Apple", "apricot", "Banana", "Carrot", "cabbage", "Cheese"]
    );
    // An empty list matches nothing; NOT IN an empty list matches everything.
    assert_eq!(
        names(&db, Product::stock.is_in(Vec::<i32>::new())).await?,
        Vec::<String>::new()
    );
    assert_eq!(
        names(&db, Product::stock.not_in(Vec::<i32>::new())).await?,
        ALL
    );
    assert_eq!(
        names(&db, Product::stock.is_in(Vec::<i32>::new()).not()).await?,
        ALL
    );
    assert_eq!(
        names(
            &db,
            Product::stock
                .is_in(Vec::<i32>::new())
                .or(Product::name.eq("Milk"))
        )
        .await?,
        ["Milk"]
    );
    Ok(())
}

async fn in_subqueries(db: Database) -> TestResult {
    seed(&db).await?;
    let featured = Featured::query().select(Featured::product);
    assert_eq!(
        names(&db, Product::name.in_query(featured.clone())).await?,
        ["Banana", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::name.not_in_query(featured)).await?,
        ["Apple", "apricot", "Carrot", "cabbage", "Milk"]
    );
    // Values before, inside and after the subquery bind in order (PostgreSQL numbers
    // its placeholders across the subquery).
    let condition = Product::stock
        .gt(2)
        .and(
            Product::name.in_query(
                Featured::query()
                    .filter(Featured::rank.le(2).and(Featured::product.ne("Nobody")))
                    .select(Featured::product),
            ),
        )
        .and(Product::price.lt(5.0));
    assert_eq!(names(&db, condition).await?, ["Banana"]);
    // A subquery that selects nothing matches nothing.
    let nothing = Featured::query()
        .filter(Featured::rank.gt(100))
        .select(Featured::product);
    assert_eq!(
        names(&db, Product::name.in_query(nothing)).await?,
        Vec::<String>::new()
    );
    Ok(())
}

/// A subquery may be paged (MySQL refuses a LIMIT in an IN subquery: it reads a derived
/// table instead), and subqueries nest.
async fn in_subqueries_with_limit(db: Database) -> TestResult {
    seed(&db).await?;
    let two_dearest = Product::query()
        .order_by(Product::price.desc())
        .limit(2)
        .select(Product::id);
    assert_eq!(
        names(&db, Product::id.in_query(two_dearest.clone())).await?,
        ["apricot", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::id.not_in_query(two_dearest)).await?,
        ["Apple", "Banana", "Carrot", "cabbage", "Milk"]
    );
    let second_featured = Featured::query()
        .order_by(Featured::rank)
        .limit(1)
        .offset(1)
        .select(Featured::product);
    assert_eq!(
        names(&db, Product::name.in_query(second_featured)).await?,
        ["Cheese"]
    );
    // A subquery inside a subquery, each paged: the featured products among the three
    // best sellers (Milk, Banana, Carrot).
    let best_sellers = Product::query()
        .order_by(Product::sold.desc())
        .limit(3)
        .select(Product::name);
    let featured_best_sellers = Featured::query()
        .filter(Featured::product.in_query(best_sellers))
        .order_by(Featured::rank)
        .limit(5)
        .select(Featured::product);
    assert_eq!(
        names(&db, Product::name.in_query(featured_best_sellers)).await?,
        ["Banana"]
    );
    Ok(())
}

/// An update or delete may filter by a subquery on its own table (MySQL refuses that
/// unless the subquery reads a materialized derived table).
async fn writes_by_a_subquery_on_their_own_table(db: Database) -> TestResult {
    seed(&db).await?;
    let low_stock = Product::query()
        .filter(Product::stock.lt(5))
        .select(Product::id);
    let n = Product::query()
        .filter(Product::id.in_query(low_stock))
        .update()
        .set(Product::stock, Product::stock + 100)
        .execute(&db)
        .await?;
    assert_eq!(n, 2, "apricot and Cheese");
    assert_eq!(
        names(&db, Product::stock.ge(100)).await?,
        ["apricot", "Cheese"]
    );
    let fruit = Product::query()
        .filter(Product::category.eq("fruit"))
        .select(Product::id);
    let n = Product::query()
        .filter(Product::id.in_query(fruit))
        .delete(&db)
        .await?;
    assert_eq!(n, 3);
    // Paged as well: the first two of what is left, by key.
    let first_two = Product::query()
        .order_by(Product::id)
        .limit(2)
        .select(Product::id);
    let n = Product::query()
        .filter(Product::id.in_query(first_two))
        .delete(&db)
        .await?;
    assert_eq!(n, 2, "Carrot and cabbage");
    assert_eq!(
        names_of(&db, Product::query().order_by(Product::id)).await?,
        ["Milk", "Cheese"]
    );
    Ok(())
}

async fn like_is_case_sensitive(db: Database) -> TestResult {
    seed(&db).await?;
    assert_eq!(names(&db, Product::name.like("A%")).await?, ["Apple"]);
    assert_eq!(names(&db, Product::name.like("a%")).await?, ["apricot"]);
    assert_eq!(
        names(&db, Product::name.like("%a%")).await?,
        ["apricot", "Banana", "Carrot", "cabbage"]
    );
    assert_eq!(names(&db, Product::name.like("_ilk")).await?, ["Milk"]);
    assert_eq!(
        names(&db, Product::name.like("_ILK")).await?,
        Vec::<String>::new()
    );
    // On a nullable column.
    assert_eq!(names(&db, Product::note.like("%off")).await?, ["Milk"]);
    Ok(())
}

async fn ilike_ignores_case(db: Database) -> TestResult {
    seed(&db).await?;
    assert_eq!(
        names(&db, Product::name.ilike("a%")).await?,
        ["Apple", "apricot"]
    );
    assert_eq!(
        names(&db, Product::name.ilike("C%")).await?,
        ["Carrot", "cabbage", "Cheese"]
    );
    assert_eq!(names(&db, Product::name.ilike("%AN%")).await?, ["Banana"]);
    assert_eq!(
        names(&db, Product::note.ilike("ORGANIC")).await?,
        ["Carrot"]
    );
    assert_eq!(
        names(&db, Product::name.ilike("c%").not()).await?,
        ["Apple", "apricot", "Banana", "Milk"]
    );
    Ok(())
}

/// A backslash makes `%`, `_` and itself literal in a pattern, on every backend.
async fn like_escapes_with_a_backslash(db: Database) -> TestResult {
    let products = seed(&db).await?;
    let mut odd = Product {
        id: 0,
        name: r"C:\temp_1".into(),
        ..products[0].clone()
    };
    odd.insert(&db).await?;
    // Only Milk's note holds a `%`.
    assert_eq!(names(&db, Product::note.like(r"%\%%")).await?, ["Milk"]);
    assert_eq!(names(&db, Product::note.like(r"50\% off")).await?, ["Milk"]);
    assert_eq!(
        names(&db, Product::note.ilike(r"50\% OFF")).await?,
        ["Milk"]
    );
    assert_eq!(
        names(&db, Product::note.not_like(r"%\%%")).await?,
        ["apricot", "Carrot"]
    );
    // `_` is literal when escaped; `\\` is a backslash.
    assert_eq!(names(&db, Product::name.like("Appl_")).await?, ["Apple"]);
    assert_eq!(
        names(&db, Product::name.like(r"Appl\_")).await?,
        Vec::<String>::new()
    );
    assert_eq!(
        names(&db, Product::name.like(r"%\_%")).await?,
        [r"C:\temp_1"]
    );
    assert_eq!(
        names(&db, Product::name.like(r"C:\\temp%")).await?,
        [r"C:\temp_1"]
    );
    Ok(())
}

async fn not_like(db: Database) -> TestResult {
    seed(&db).await?;
    assert_eq!(
        names(&db, Product::name.not_like("%a%")).await?,
        ["Apple", "Milk", "Cheese"]
    );
    // NOT LIKE is case-sensitive like LIKE.
    assert_eq!(
        names(&db, Product::name.not_like("C%")).await?,
        ["Apple", "apricot", "Banana", "cabbage", "Milk"]
    );
    Ok(())
}

async fn between(db: Database) -> TestResult {
    seed(&db).await?;
    // Both ends included.
    assert_eq!(
        names(&db, Product::stock.between(5, 12)).await?,
        ["Apple", "cabbage", "Milk"]
    );
    assert_eq!(
        names(&db, Product::price.between(1.0, 1.5)).await?,
        ["Apple", "cabbage", "Milk"]
    );
    // Bounds can be columns; BETWEEN inside AND keeps its own AND.
    assert_eq!(
        names(
            &db,
            Product::stock
                .between(Product::sold, 30)
                .and(Product::category.eq("fruit"))
        )
        .await?,
        ["Apple", "Banana"]
    );
    Ok(())
}

async fn and_or_not(db: Database) -> TestResult {
    seed(&db).await?;
    let fruit = || Product::category.eq("fruit");
    let dairy = || Product::category.eq("dairy");
    let stocked = || Product::stock.gt(5);

    assert_eq!(
        names(&db, fruit().and(stocked())).await?,
        ["Apple", "Banana"]
    );
    assert_eq!(
        names(&db, fruit().or(dairy())).await?,
        ["Apple", "apricot", "Banana", "Milk", "Cheese"]
    );
    // (fruit OR dairy) AND stocked: not fruit OR (dairy AND stocked).
    assert_eq!(
        names(&db, fruit().or(dairy()).and(stocked())).await?,
        ["Apple", "Banana", "Milk"]
    );
    assert_eq!(
        names(&db, fruit().or(dairy().and(stocked()))).await?,
        ["Apple", "apricot", "Banana", "Milk"]
    );
    // stocked AND (fruit OR dairy), the OR on the right.
    assert_eq!(
        names(&db, stocked().and(fruit().or(dairy()))).await?,
        ["Apple", "Banana", "Milk"]
    );
    assert_eq!(
        names(&db, !fruit().or(dairy())).await?,
        ["Carrot", "cabbage"]
    );
    assert_eq!(
        names(&db, fruit().or(dairy()).not()).await?,
        ["Carrot", "cabbage"]
    );
    assert_eq!(names(&db, fruit().and(stocked().not())).await?, ["apricot"]);
    // Successive filters are AND-ed, each kept whole.
    let chained = Product::query()
        .filter(fruit().or(dairy()))
        .filter(stocked())
        .order_by(Product::id);
    assert_eq!(names_of(&db, chained).await?, ["Apple", "Banana", "Milk"]);
    // Expr::all / Expr::any.
    let all = Expr::all([fruit(), stocked(), Product::price.lt(1.0)]).unwrap();
    assert_eq!(names(&db, all).await?, ["Banana"]);
    let any = Expr::any([dairy(), Product::stock.eq(0)]).unwrap();
    assert_eq!(names(&db, any).await?, ["apricot", "Milk", "Cheese"]);
    assert!(Expr::<Product>::any([]).is_none());
    Ok(())
}

async fn arithmetic_in_filters(db: Database) -> TestResult {
    seed(&db).await?;
    assert_eq!(names(&db, Product::stock.add(1).eq(11)).await?, ["Apple"]);
    assert_eq!(names(&db, (Product::stock + 1).eq(11)).await?, ["Apple"]);
    assert_eq!(
        names(&db, (Product::stock * Product::sold).gt(300)).await?,
        ["Banana", "Carrot", "Milk"]
    );
    assert_eq!(
        names(&db, Product::stock.sub(Product::sold).lt(0)).await?,
        ["apricot", "cabbage", "Milk"]
    );
    assert_eq!(
        names(&db, Product::price.mul(2.0).ge(3.0)).await?,
        ["Apple", "apricot", "Cheese"]
    );
    assert_eq!(
        names(&db, (Product::price / 2.0).eq(0.25)).await?,
        ["Banana"]
    );
    // Grouping is kept: (stock + 1) * 2, not stock + 1 * 2; stock - (sold - 1).
    assert_eq!(
        names(&db, ((Product::stock + 1) * 2).eq(22)).await?,
        ["Apple"]
    );
    assert_eq!(
        names(&db, (Product::stock - (Product::sold - 1)).eq(7)).await?,
        ["Apple"]
    );
    assert_eq!(
        names(&db, (Product::price / (Product::price / 2.0)).eq(2.0)).await?,
        ALL
    );
    // 25 * (25 / 4) = 25 * 6, not (25 * 25) / 4 = 156.
    assert_eq!(
        names(&db, (Product::stock * (Product::sold / 4)).eq(150)).await?,
        ["Banana"]
    );
    // Integer division truncates on every backend: 10 / 4 = 2, 12 / 5 = 2.
    assert_eq!(names(&db, Product::stock.div(4).eq(2)).await?, ["Apple"]);
    assert_eq!(
        names(&db, (Product::stock / 5).eq(2)).await?,
        ["Apple", "Milk"]
    );
    // Arithmetic on a nullable column is NULL where the column is.
    assert_eq!(
        names(&db, Product::rating.add(1).eq(5)).await?,
        ["Apple", "Milk"]
    );
    // Computed values can be selected too, and decode as the column's type.
    let computed: Vec<(String, i32, i32, f64)> = Product::query()
        .filter(Product::category.eq("dairy"))
        .order_by(Product::id)
        .select((
            Product::name,
            Product::stock * Product::sold,
            Product::stock / 5,
            Product::price * 2.0,
        ))
        .all(&db)
        .await?;
    assert_eq!(
        computed,
        [("Milk".into(), 360, 2, 2.0), ("Cheese".into(), 3, 0, 15.0)]
    );
    Ok(())
}

async fn comparisons_between_columns(db: Database) -> TestResult {
    seed(&db).await?;
    assert_eq!(
        names(&db, Product::stock.gt(Product::sold)).await?,
        ["Apple", "Carrot", "Cheese"]
    );
    assert_eq!(
        names(&db, Product::stock.eq(Product::sold)).await?,
        ["Banana"]
    );
    assert_eq!(
        names(&db, Product::sold.le(Product::stock.add(1))).await?,
        ["Apple", "Banana", "Carrot", "Cheese"]
    );
    Ok(())
}

async fn order_by_with_nulls_placement(db: Database) -> TestResult {
    seed(&db).await?;
    let sorted = async |ordering: orm_core::query::Ordering<Product>| {
        let q = Product::query()
            .order_by(ordering)
            .order_by(Product::id.asc());
        names_of(&db, q).await
    };
    // Ratings by key: 4, NULL, 5, 3, NULL, 4, 2.
    assert_eq!(
        sorted(Product::rating.asc().nulls_first()).await?,
        [
            "apricot", "cabbage", "Cheese", "Carrot", "Apple", "Milk", "Banana"
        ]
    );
    assert_eq!(
        sorted(Product::rating.asc().nulls_last()).await?,
        [
            "Cheese", "Carrot", "Apple", "Milk", "Banana", "apricot", "cabbage"
        ]
    );
    assert_eq!(
        sorted(Product::rating.desc().nulls_first()).await?,
        [
            "apricot", "cabbage", "Banana", "Apple", "Milk", "Carrot", "Cheese"
        ]
    );
    assert_eq!(
        sorted(Product::rating.desc().nulls_last()).await?,
        [
            "Banana", "Apple", "Milk", "Carrot", "Cheese", "apricot", "cabbage"
        ]
    );
    assert_eq!(
        sorted(Product::stock.desc()).await?,
        [
            "Carrot", "Banana", "Milk", "Apple", "cabbage", "Cheese", "apricot"
        ]
    );
    assert_eq!(
        sorted(Product::stock.asc()).await?,
        [
            "apricot", "Cheese", "cabbage", "Apple", "Milk", "Banana", "Carrot"
        ]
    );
    // By an expression, NULLs placed explicitly.
    assert_eq!(
        sorted((Product::rating * 2).desc().nulls_last()).await?,
        [
            "Banana", "Apple", "Milk", "Carrot", "Cheese", "apricot", "cabbage"
        ]
    );
    // Several keys: category descending, then price ascending.
    let q = Product::query()
        .order_by(Product::category.desc())
        .order_by(Product::price);
    assert_eq!(
        names_of(&db, q).await?,
        [
            "Carrot", "cabbage", "Banana", "Apple", "apricot", "Milk", "Cheese"
        ]
    );
    Ok(())
}

async fn limit_and_offset(db: Database) -> TestResult {
    seed(&db).await?;
    let by_key = || Product::query().order_by(Product::id);
    assert_eq!(
        names_of(&db, by_key().limit(3)).await?,
        ["Apple", "apricot", "Banana"]
    );
    assert_eq!(
        names_of(&db, by_key().limit(3).offset(3)).await?,
        ["Carrot", "cabbage", "Milk"]
    );
    assert_eq!(
        names_of(&db, by_key().offset(6).limit(3)).await?,
        ["Cheese"]
    );
    // OFFSET without LIMIT (SQLite and MySQL need a LIMIT before OFFSET).
    assert_eq!(names_of(&db, by_key().offset(5)).await?, ["Milk", "Cheese"]);
    assert_eq!(names_of(&db, by_key().offset(0)).await?, ALL);
    assert!(names_of(&db, by_key().offset(100)).await?.is_empty());
    assert!(names_of(&db, by_key().limit(0)).await?.is_empty());
    assert_eq!(names_of(&db, by_key().limit(100)).await?, ALL);
    // The last call wins.
    assert_eq!(
        names_of(&db, by_key().limit(1).limit(2)).await?,
        ["Apple", "apricot"]
    );
    // Paging through everything, two at a time.
    let mut paged = Vec::new();
    for page in 0.. {
        let rows = names_of(&db, by_key().limit(2).offset(page * 2)).await?;
        if rows.is_empty() {
            break;
        }
        paged.extend(rows);
    }
    assert_eq!(paged, ALL);
    Ok(())
}

async fn distinct(db: Database) -> TestResult {
    seed(&db).await?;
    let categories = Product::query()
        .select(Product::category)
        .distinct()
        .order_by(Product::category)
        .all(&db)
        .await?;
    assert_eq!(categories, ["dairy", "fruit", "vegetable"]);
    // NULL is one distinct value.
    let mut ratings = Product::query()
        .select(Product::rating)
        .distinct()
        .all(&db)
        .await?;
    ratings.sort();
    assert_eq!(ratings, [None, Some(2), Some(3), Some(4), Some(5)]);
    let pairs = Product::query()
        .select((Product::category, Product::rating))
        .distinct()
        .filter(Product::rating.eq(4))
        .all(&db)
        .await?;
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    Ok(())
}

async fn terminal_methods(db: Database) -> TestResult {
    let products = seed(&db).await?;
    let all = Product::query().order_by(Product::id).all(&db).await?;
    assert_eq!(all, products);

    let fruit = || Product::query().filter(Product::category.eq("fruit"));
    let nothing = || Product::query().filter(Product::name.eq("nothing"));
    let milk = || Product::query().filter(Product::name.eq("Milk"));

    // first: the first row in order, if any.
    let top = Product::query()
        .order_by(Product::stock.desc())
        .first(&db)
        .await?;
    assert_eq!(top.map(|p| p.name).as_deref(), Some("Carrot"));
    assert_eq!(nothing().first(&db).await?, None);
    assert_eq!(
        fruit().order_by(Product::id).offset(1).first(&db).await?,
        Some(products[1].clone())
    );
    assert_eq!(fruit().limit(0).first(&db).await?, None);

    // one: exactly one row.
    assert_eq!(milk().one(&db).await?, products[5]);
    let err = nothing().one(&db).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                table: Some("q_products")
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "no row found in `q_products`");
    let err = fruit().one(&db).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MultipleRows {
                table: Some("q_products")
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        fruit().order_by(Product::id).limit(1).one(&db).await?.name,
        "Apple"
    );

    // one_or_none: at most one row.
    assert_eq!(nothing().one_or_none(&db).await?, None);
    assert_eq!(milk().one_or_none(&db).await?, Some(products[5].clone()));
    let err = fruit().one_or_none(&db).await.unwrap_err();
    assert!(matches!(err, Error::MultipleRows { .. }), "{err:?}");

    // count: the rows the query would return.
    assert_eq!(Product::query().count(&db).await?, 7);
    assert_eq!(fruit().count(&db).await?, 3);
    assert_eq!(nothing().count(&db).await?, 0);
    assert_eq!(fruit().order_by(Product::name).count(&db).await?, 3);
    let categories = Product::query().select(Product::category);
    assert_eq!(categories.clone().count(&db).await?, 7);
    assert_eq!(categories.clone().distinct().count(&db).await?, 3);
    assert_eq!(Product::query().limit(2).count(&db).await?, 2);
    assert_eq!(Product::query().limit(10).count(&db).await?, 7);
    assert_eq!(
        Product::query()
            .order_by(Product::id)
            .offset(5)
            .count(&db)
            .await?,
        2
    );
    assert_eq!(fruit().limit(2).offset(2).count(&db).await?, 1);
    assert_eq!(
        categories
            .clone()
            .distinct()
            .order_by(Product::category)
            .limit(2)
            .count(&db)
            .await?,
        2
    );
    // Columns selected twice (MySQL refuses duplicate names in a derived table).
    assert_eq!(
        Product::query()
            .select((
                Product::category,
                Product::category,
                count_all(),
                count_all()
            ))
            .group_by(Product::category)
            .count(&db)
            .await?,
        3
    );
    assert!(
        Product::query()
            .select((Product::stock, Product::stock))
            .distinct()
            .exists(&db)
            .await?
    );
    // An aggregate over every row is one row.
    let total = Product::query().select(Product::stock.sum());
    assert_eq!(total.clone().count(&db).await?, 1);
    assert_eq!(
        total
            .clone()
            .filter(Product::name.eq("nothing"))
            .count(&db)
            .await?,
        1
    );
    // Grouped: the number of groups.
    let groups = categories.group_by(Product::category);
    assert_eq!(groups.clone().count(&db).await?, 3);
    assert_eq!(groups.having(count_all().gt(2)).count(&db).await?, 1);

    // exists.
    assert!(fruit().exists(&db).await?);
    assert!(!nothing().exists(&db).await?);
    assert!(Product::query().offset(6).exists(&db).await?);
    assert!(!Product::query().offset(7).exists(&db).await?);
    assert!(!fruit().limit(0).exists(&db).await?);
    assert!(
        total
            .filter(Product::name.eq("nothing"))
            .exists(&db)
            .await?
    );
    assert!(
        Product::query()
            .select(Product::category)
            .distinct()
            .exists(&db)
            .await?
    );
    Ok(())
}

async fn select_columns_and_tuples(db: Database) -> TestResult {
    seed(&db).await?;
    let dairy = || {
        Product::query()
            .filter(Product::category.eq("dairy"))
            .order_by(Product::id)
    };
    let names: Vec<String> = dairy().select(Product::name).all(&db).await?;
    assert_eq!(names, ["Milk", "Cheese"]);
    let notes: Vec<Option<String>> = dairy().select(Product::note).all(&db).await?;
    assert_eq!(notes, [Some("50% off".to_string()), None]);
    let rows: Vec<(String, f64, Option<i32>)> = dairy()
        .select((Product::name, Product::price, Product::rating))
        .all(&db)
        .await?;
    assert_eq!(
        rows,
        [
            ("Milk".to_string(), 1.0, Some(4)),
            ("Cheese".to_string(), 7.5, Some(2))
        ]
    );
    let first = dairy()
        .select((Product::id, Product::name))
        .first(&db)
        .await?;
    assert!(matches!(first, Some((id, name)) if id > 0 && name == "Milk"));
    let one = dairy()
        .filter(Product::stock.lt(5))
        .select(Product::stock)
        .one(&db)
        .await?;
    assert_eq!(one, 3);
    // The same column twice, and an eight-column tuple.
    let twice: Vec<(i32, i32)> = dairy()
        .select((Product::stock, Product::stock))
        .all(&db)
        .await?;
    assert_eq!(twice, [(12, 12), (3, 3)]);
    let wide = dairy()
        .select((
            Product::id,
            Product::name,
            Product::category,
            Product::price,
            Product::stock,
            Product::sold,
            Product::rating,
            Product::note,
        ))
        .first(&db)
        .await?
        .expect("a dairy product");
    assert_eq!(
        (wide.1.as_str(), wide.5, wide.7.as_deref()),
        ("Milk", 30, Some("50% off"))
    );
    Ok(())
}

async fn aggregates(db: Database) -> TestResult {
    seed(&db).await?;
    let q = Product::query;
    assert_eq!(q().select(count_all()).one(&db).await?, 7);
    assert_eq!(q().select(Product::rating.count()).one(&db).await?, 5);
    assert_eq!(q().select(Product::note.count()).one(&db).await?, 3);
    assert_eq!(
        q().select(Product::category.count_distinct())
            .one(&db)
            .await?,
        3
    );
    assert_eq!(
        q().select(Product::rating.count_distinct())
            .one(&db)
            .await?,
        4
    );
    assert_eq!(q().select(Product::stock.sum()).one(&db).await?, Some(95));
    assert_eq!(
        q().select(Product::id.sum()).one(&db).await?.map(|s| s > 0),
        Some(true)
    );
    assert_eq!(q().select(Product::rating.sum()).one(&db).await?, Some(18));
    assert_eq!(q().select(Product::price.sum()).one(&db).await?, Some(14.5));
    let dairy = || q().filter(Product::category.eq("dairy"));
    assert_eq!(
        dairy().select(Product::stock.avg()).one(&db).await?,
        Some(7.5)
    );
    assert_eq!(
        dairy().select(Product::price.avg()).one(&db).await?,
        Some(4.25)
    );
    // AVG ignores NULLs: (4 + 5 + 3 + 4 + 2) / 5.
    assert_eq!(q().select(Product::rating.avg()).one(&db).await?, Some(3.6));
    assert_eq!(q().select(Product::stock.min()).one(&db).await?, Some(0));
    assert_eq!(q().select(Product::stock.max()).one(&db).await?, Some(40));
    assert_eq!(q().select(Product::price.min()).one(&db).await?, Some(0.5));
    assert_eq!(q().select(Product::price.max()).one(&db).await?, Some(7.5));
    assert_eq!(q().select(Product::rating.min()).one(&db).await?, Some(2));
    assert_eq!(q().select(Product::rating.max()).one(&db).await?, Some(5));
    assert_eq!(
        q().select((Product::category.min(), Product::category.max()))
            .one(&db)
            .await?,
        (Some("dairy".to_string()), Some("vegetable".to_string()))
    );
    // Several at once, with a filter.
    let (n, stock, cheapest, dearest) = q()
        .filter(Product::category.eq("fruit"))
        .select((
            count_all(),
            Product::stock.sum(),
            Product::price.min(),
            Product::price.max(),
        ))
        .one(&db)
        .await?;
    assert_eq!(
        (n, stock, cheapest, dearest),
        (3, Some(35), Some(0.5), Some(2.0))
    );

    // Over no rows: counts are 0, everything else NULL.
    let nothing = || q().filter(Product::name.eq("nothing"));
    let empty = nothing()
        .select((
            count_all(),
            Product::rating.count(),
            Product::stock.sum(),
            Product::price.sum(),
            Product::stock.avg(),
            Product::stock.min(),
            Product::price.max(),
            Product::name.max(),
        ))
        .one(&db)
        .await?;
    assert_eq!(empty, (0, 0, None, None, None, None, None, None));
    // Over rows that are all NULL too.
    let unrated = q()
        .filter(Product::rating.is_null())
        .select((
            Product::rating.sum(),
            Product::rating.max(),
            Product::rating.avg(),
        ))
        .one(&db)
        .await?;
    assert_eq!(unrated, (None, None, None));
    Ok(())
}

/// Grouping by an expression that binds a value (stock in buckets of 10) works on every
/// backend, PostgreSQL included, whose placeholders would otherwise differ between the
/// selected expression and the grouped one.
async fn group_by_an_expression_with_a_value(db: Database) -> TestResult {
    seed(&db).await?;
    let bucket = || Product::stock.div(10);
    let mut buckets: Vec<(i32, i64)> = Product::query()
        .select((bucket(), count_all()))
        .group_by(bucket())
        .all(&db)
        .await?;
    buckets.sort();
    let mut expected: Vec<(i32, i64)> = Vec::new();
    for p in Product::all(&db).await? {
        let b = p.stock / 10;
        match expected.iter_mut().find(|(k, _)| *k == b) {
            Some((_, n)) => *n += 1,
            None => expected.push((b, 1)),
        }
    }
    expected.sort();
    assert_eq!(buckets, expected);
    Ok(())
}

async fn group_by_and_having(db: Database) -> TestResult {
    seed(&db).await?;
    let per_category = || {
        Product::query()
            .select((
                Product::category,
                count_all(),
                Product::stock.sum(),
                Product::price.max(),
            ))
            .group_by(Product::category)
    };
    let all = per_category().order_by(Product::category).all(&db).await?;
    assert_eq!(
        all,
        [
            ("dairy".to_string(), 2, Some(15), Some(7.5)),
            ("fruit".to_string(), 3, Some(35), Some(2.0)),
            ("vegetable".to_string(), 2, Some(45), Some(1.25)),
        ]
    );
    let big = per_category().having(count_all().gt(2)).all(&db).await?;
    assert_eq!(big, [("fruit".to_string(), 3, Some(35), Some(2.0))]);
    let well_stocked = per_category()
        .having(Product::stock.sum().gt(20))
        .having(Product::price.max().lt(5.0))
        .order_by(Product::category.desc())
        .all(&db)
        .await?;
    assert_eq!(
        well_stocked
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>(),
        ["vegetable", "fruit"]
    );
    // Filter before grouping, order by an aggregate.
    let by_count = Product::query()
        .filter(Product::stock.gt(3))
        .select((Product::category, count_all()))
        .group_by(Product::category)
        .order_by(count_all().desc())
        .order_by(Product::category)
        .all(&db)
        .await?;
    assert_eq!(
        by_count,
        [
            ("fruit".to_string(), 2),
            ("vegetable".to_string(), 2),
            ("dairy".to_string(), 1)
        ]
    );
    // NULL is one group; NULLs placed first on every backend.
    let by_rating = Product::query()
        .select((Product::rating, count_all()))
        .group_by(Product::rating)
        .order_by(Product::rating.asc().nulls_first())
        .all(&db)
        .await?;
    assert_eq!(
        by_rating,
        [
            (None, 2),
            (Some(2), 1),
            (Some(3), 1),
            (Some(4), 2),
            (Some(5), 1)
        ]
    );
    // Grouping by two columns.
    let pairs = Product::query()
        .select((Product::category, Product::rating, count_all()))
        .group_by(Product::category)
        .group_by(Product::rating)
        .having(count_all().ge(1))
        .count(&db)
        .await?;
    assert_eq!(pairs, 7);
    Ok(())
}

async fn update_by_filter(db: Database) -> TestResult {
    seed(&db).await?;
    let notes = async || -> Result<Vec<Option<String>>> {
        Product::query()
            .order_by(Product::id)
            .select(Product::note)
            .all(&db)
            .await
    };
    // A value; the count is the number of rows matched.
    let n = Product::query()
        .filter(Product::category.eq("fruit"))
        .update()
        .set(Product::note, "fresh")
        .execute(&db)
        .await?;
    assert_eq!(n, 3);
    let fresh = Some("fresh".to_string());
    assert_eq!(
        notes().await?,
        [
            fresh.clone(),
            fresh.clone(),
            fresh.clone(),
            Some("organic".into()),
            None,
            Some("50% off".into()),
            None
        ]
    );

    // An expression of the column itself: count = count + 1, twice.
    for _ in 0..2 {
        let n = Product::query()
            .filter(Product::category.eq("dairy"))
            .update()
            .set(Product::stock, Product::stock.add(1))
            .execute(&db)
            .await?;
        assert_eq!(n, 2);
    }
    let stocks = Product::query()
        .order_by(Product::id)
        .select(Product::stock)
        .all(&db)
        .await?;
    assert_eq!(stocks, [10, 0, 25, 40, 5, 14, 5]);
    Product::query()
        .filter(Product::name.eq("Apple"))
        .update()
        .set(Product::stock, Product::stock * 2 + 1)
        .execute(&db)
        .await?;
    assert_eq!(
        Product::query()
            .filter(Product::name.eq("Apple"))
            .select(Product::stock)
            .one(&db)
            .await?,
        21
    );

    // To NULL; several columns at once; one column from another.
    let n = Product::query()
        .filter(Product::note.is_not_null())
        .update()
        .set(Product::note, None)
        .set(Product::rating, Some(1))
        .set(Product::sold, Product::stock)
        .execute(&db)
        .await?;
    assert_eq!(n, 5);
    assert_eq!(notes().await?, [None, None, None, None, None, None, None]);
    let changed: Vec<(String, Option<i32>, i32)> = Product::query()
        .filter(Product::rating.eq(1))
        .order_by(Product::id)
        .select((Product::name, Product::rating, Product::sold))
        .all(&db)
        .await?;
    assert_eq!(
        changed,
        [
            ("Apple".to_string(), Some(1), 21),
            ("apricot".to_string(), Some(1), 0),
            ("Banana".to_string(), Some(1), 25),
            ("Carrot".to_string(), Some(1), 40),
            ("Milk".to_string(), Some(1), 14),
        ]
    );

    // Rows matched but left as they were still count, on every backend.
    let n = Product::query()
        .filter(Product::category.eq("vegetable"))
        .update()
        .set(Product::stock, Product::stock)
        .execute(&db)
        .await?;
    assert_eq!(n, 2);
    // No row matched.
    let n = Product::query()
        .filter(Product::name.eq("nothing"))
        .update()
        .set(Product::stock, 0)
        .execute(&db)
        .await?;
    assert_eq!(n, 0);
    // No assignment at all is refused.
    let err = Product::query().update().execute(&db).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
    Ok(())
}

/// Every `set` reads the row as it was before the update, on every backend (MySQL
/// alone would read values assigned earlier in the same statement).
async fn update_reads_the_row_as_it_was(db: Database) -> TestResult {
    seed(&db).await?;
    let apple = || Product::query().filter(Product::name.eq("Apple"));
    let stock_and_sold = async || {
        apple()
            .select((Product::stock, Product::sold))
            .one(&db)
            .await
    };
    assert_eq!(stock_and_sold().await?, (10, 4));
    apple()
        .update()
        .set(Product::stock, Product::stock + 1)
        .set(Product::sold, Product::stock)
        .execute(&db)
        .await?;
    assert_eq!(stock_and_sold().await?, (11, 10));
    apple()
        .update()
        .set(Product::stock, 10)
        .set(Product::sold, Product::stock * 2)
        .execute(&db)
        .await?;
    assert_eq!(stock_and_sold().await?, (10, 22));
    // Setting a column twice: the last value wins.
    apple()
        .update()
        .set(Product::stock, 1)
        .set(Product::stock, 2)
        .execute(&db)
        .await?;
    assert_eq!(stock_and_sold().await?, (2, 22));

    // A swap reads both old values; MySQL cannot express it, and refuses it.
    let swap = apple()
        .update()
        .set(Product::stock, Product::sold)
        .set(Product::sold, Product::stock)
        .execute(&db)
        .await;
    match db.dialect() {
        Dialect::MySql => {
            let err = swap.unwrap_err();
            assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
            assert_eq!(stock_and_sold().await?, (2, 22));
        }
        _ => {
            assert_eq!(swap?, 1);
            assert_eq!(stock_and_sold().await?, (22, 2));
        }
    }
    Ok(())
}

async fn delete_by_filter(db: Database) -> TestResult {
    seed(&db).await?;
    let n = Product::query()
        .filter(Product::category.eq("fruit"))
        .delete(&db)
        .await?;
    assert_eq!(n, 3);
    assert_eq!(
        names_of(&db, Product::query().order_by(Product::id)).await?,
        ["Carrot", "cabbage", "Milk", "Cheese"]
    );
    let n = Product::query()
        .filter(Product::name.eq("nothing"))
        .delete(&db)
        .await?;
    assert_eq!(n, 0);
    let n = Product::query()
        .filter(Product::name.in_query(Featured::query().select(Featured::product)))
        .delete(&db)
        .await?;
    assert_eq!(n, 1, "Cheese");
    // Without a filter: every row.
    assert_eq!(Product::query().delete(&db).await?, 3);
    assert_eq!(Product::query().count(&db).await?, 0);
    assert_eq!(
        Featured::query().count(&db).await?,
        3,
        "other tables untouched"
    );
    Ok(())
}

async fn paged_or_ordered_writes_are_refused(db: Database) -> TestResult {
    seed(&db).await?;
    let fruit = || Product::query().filter(Product::category.eq("fruit"));
    let refused = [
        fruit().limit(1),
        fruit().offset(1),
        fruit().order_by(Product::id),
        fruit().distinct(),
        fruit().group_by(Product::category),
        fruit().having(count_all().gt(0)),
    ];
    for query in refused {
        let err = query.clone().delete(&db).await.unwrap_err();
        assert!(matches!(err, Error::InvalidQuery(_)), "{query:?}: {err:?}");
        let err = query
            .clone()
            .update()
            .set(Product::stock, 0)
            .execute(&db)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidQuery(_)), "{query:?}: {err:?}");
    }
    // Nothing was deleted or changed.
    assert_eq!(Product::query().count(&db).await?, 7);
    assert_eq!(
        Product::query()
            .filter(Product::stock.eq(0))
            .count(&db)
            .await?,
        1
    );
    Ok(())
}

/// A table and columns whose names are SQL keywords or contain each dialect's quote
/// character: every statement quotes them, so they work like any other name.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "order")]
struct Order {
    #[orm(primary_key)]
    id: i64,
    #[orm(index, max_length = 32)]
    select: String,
    group: i32,
    #[orm(column = "we\"ird", index)]
    double_quoted: Option<String>,
    #[orm(column = "we`ird")]
    backticked: i64,
    #[orm(column = "from table")]
    spaced: bool,
}

async fn keyword_and_quote_identifiers(db: Database) -> TestResult {
    db.create_tables(&[Order::table_def()]).await?;
    let mut orders = Vec::new();
    for (select, group, dq, bt) in [
        ("a", 1, Some("x\"y"), 10),
        ("b", 2, None, 20),
        ("c", 1, Some("it's"), 30),
        ("d", 3, Some("`tick`"), 40),
    ] {
        let mut o = Order {
            id: 0,
            select: select.into(),
            group,
            double_quoted: dq.map(Into::into),
            backticked: bt,
            spaced: group == 1,
        };
        o.insert(&db).await?;
        orders.push(o);
    }
    // Read back by key and in full.
    assert_eq!(
        Order::get(&db, orders[2].id).await?,
        Some(orders[2].clone())
    );
    assert_eq!(Order::all(&db).await?, orders);
    // Update and delete by key.
    orders[1].double_quoted = Some("changed".into());
    orders[1].update(&db).await?;
    assert_eq!(
        Order::get(&db, orders[1].id).await?,
        Some(orders[1].clone())
    );
    assert!(orders[3].delete(&db).await?);
    orders.pop();

    // Filters and ordering on each column.
    let selects = async |q: Select<Order>| q.select(Order::select).all(&db).await;
    assert_eq!(
        selects(
            Order::query()
                .filter(Order::group.eq(1))
                .order_by(Order::id)
        )
        .await?,
        ["a", "c"]
    );
    assert_eq!(
        selects(Order::query().filter(Order::double_quoted.like("%\"%"))).await?,
        ["a"]
    );
    assert_eq!(
        selects(Order::query().filter(Order::double_quoted.eq("it's"))).await?,
        ["c"]
    );
    assert_eq!(
        selects(
            Order::query()
                .filter(Order::backticked.ge(20))
                .order_by(Order::backticked.desc())
        )
        .await?,
        ["c", "b"]
    );
    assert_eq!(
        selects(Order::query().filter(Order::spaced.eq(false))).await?,
        ["b"]
    );
    assert_eq!(
        selects(
            Order::query()
                .order_by(Order::group.desc())
                .order_by(Order::select.desc())
        )
        .await?,
        ["b", "c", "a"]
    );
    assert_eq!(
        selects(
            Order::query()
                .filter(Order::select.is_in(["a", "b"]))
                .order_by(Order::double_quoted.desc().nulls_last())
        )
        .await?,
        ["a", "b"]
    );
    // Aggregates and grouping.
    let groups = Order::query()
        .select((Order::group, count_all(), Order::backticked.sum()))
        .group_by(Order::group)
        .order_by(Order::group)
        .all(&db)
        .await?;
    assert_eq!(groups, [(1, 2, Some(40)), (2, 1, Some(20))]);
    assert_eq!(
        Order::query().filter(Order::group.eq(1)).count(&db).await?,
        2
    );
    assert!(Order::query().distinct().limit(1).exists(&db).await?);
    // Update and delete by filter.
    let n = Order::query()
        .filter(Order::group.eq(1))
        .update()
        .set(Order::backticked, Order::backticked + 1)
        .set(Order::double_quoted, "we\"ird`")
        .execute(&db)
        .await?;
    assert_eq!(n, 2);
    assert_eq!(
        Order::query()
            .filter(Order::double_quoted.eq("we\"ird`"))
            .order_by(Order::id)
            .select(Order::backticked)
            .all(&db)
            .await?,
        [11, 31]
    );
    assert_eq!(
        Order::query()
            .filter(Order::select.eq("a"))
            .delete(&db)
            .await?,
        1
    );
    assert_eq!(
        selects(Order::query().order_by(Order::id)).await?,
        ["b", "c"]
    );
    Ok(())
}

/// Raw SQL decodes into a model (columns in field order) or a tuple, with bound values in
/// the backend's placeholders.
async fn raw_sql_into_models_and_tuples(db: Database) -> TestResult {
    let products = seed(&db).await?;
    let placeholder = match db.dialect() {
        Dialect::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "SELECT id, name, category, price, stock, sold, rating, note FROM q_products \
         WHERE category = {placeholder} ORDER BY id"
    );
    let dairy: Vec<Product> = Raw::dynamic(sql.clone())
        .bind("dairy")
        .fetch_as(&db)
        .await?;
    assert_eq!(dairy, products[5..7]);
    let tuples: Vec<(i64, String, String)> =
        Raw::dynamic(sql.replace("price, stock, sold, rating, note", "'x'"))
            .bind("fruit")
            .fetch_as(&db)
            .await?;
    let fruit: Vec<&str> = tuples.iter().map(|(_, name, _)| name.as_str()).collect();
    assert_eq!(fruit, ["Apple", "apricot", "Banana"]);
    // Too few columns for the model: a decode error naming the model, not a panic.
    let err = raw("SELECT id, name FROM q_products")
        .fetch_as::<Product, _>(&db)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("Product"), "{err}");
    Ok(())
}

/// Every terminal method runs inside a transaction and sees its uncommitted writes.
async fn terminal_methods_in_a_transaction(db: Database) -> TestResult {
    use futures_util::TryStreamExt;
    seed(&db).await?;
    let tx = db.begin().await?;
    Product::query()
        .filter(Product::name.eq("Milk"))
        .delete(&tx)
        .await?;
    let dairy = Product::query().filter(Product::category.eq("dairy"));
    assert_eq!(dairy.clone().count(&tx).await?, 1);
    assert_eq!(dairy.clone().one(&tx).await?.name, "Cheese");
    assert!(dairy.clone().one_or_none(&tx).await?.is_some());
    assert_eq!(
        dairy.clone().first(&tx).await?.map(|p| p.name),
        Some("Cheese".into())
    );
    assert_eq!(dairy.clone().all(&tx).await?.len(), 1);
    assert_eq!(
        dairy
            .clone()
            .stream(&tx)
            .try_collect::<Vec<_>>()
            .await?
            .len(),
        1
    );
    assert!(
        !Product::query()
            .filter(Product::name.eq("Milk"))
            .exists(&tx)
            .await?
    );
    let tuples: Vec<(i64,)> = raw("SELECT COUNT(*) FROM q_products").fetch_as(&tx).await?;
    assert_eq!(tuples, [(6,)]);
    // Outside the transaction, Milk is still there until the commit.
    assert_eq!(dairy.clone().count(&db).await?, 2);
    tx.commit().await?;
    assert_eq!(dairy.count(&db).await?, 1);
    Ok(())
}

backend_tests!(
    pgbouncer:
    raw_sql_into_models_and_tuples,
    terminal_methods_in_a_transaction,
    comparison_operators,
    null_comparisons,
    in_lists,
    in_subqueries,
    in_subqueries_with_limit,
    writes_by_a_subquery_on_their_own_table,
    like_is_case_sensitive,
    like_escapes_with_a_backslash,
    ilike_ignores_case,
    not_like,
    between,
    and_or_not,
    arithmetic_in_filters,
    comparisons_between_columns,
    order_by_with_nulls_placement,
    limit_and_offset,
    distinct,
    terminal_methods,
    select_columns_and_tuples,
    aggregates,
    group_by_and_having,
    group_by_an_expression_with_a_value,
    update_by_filter,
    update_reads_the_row_as_it_was,
    delete_by_filter,
    paged_or_ordered_writes_are_refused,
    keyword_and_quote_identifiers,
);
