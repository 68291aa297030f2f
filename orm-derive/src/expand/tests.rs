//! The expansion as tokens: what is generated for valid models, and that an invalid one
//! yields only its errors. (Behaviour is tested in `tests/` and the doc examples.)

use orm_schema::SqlType;
use quote::quote;
use syn::{ImplItem, Item, ItemConst};

use super::expand;

/// The items inside the generated `const _: () = { ... };`.
fn generated_items(input: proc_macro2::TokenStream) -> Vec<Item> {
    let output = expand(input);
    let file: syn::File = syn::parse2(output.clone()).unwrap_or_else(|e| panic!("{e}: {output}"));
    let [Item::Const(ItemConst { expr, .. })] = file.items.as_slice() else {
        panic!("expected one `const _`: {output}");
    };
    let syn::Expr::Block(block) = &**expr else {
        panic!("expected a block: {output}")
    };
    block
        .block
        .stmts
        .iter()
        .filter_map(|s| match s {
            syn::Stmt::Item(item) => Some(item.clone()),
            // `__registered! { static STATE … }`, a macro call in statement position.
            syn::Stmt::Macro(m) => Some(Item::Macro(syn::ItemMacro {
                attrs: m.attrs.clone(),
                ident: None,
                mac: m.mac.clone(),
                semi_token: m.semi_token,
            })),
            _ => None,
        })
        .collect()
}

/// The `static STATE` (the model's table as JSON, its foreign keys), and whether it is
/// registered: given to `orm_core::__registered!`, which puts it in the link section.
fn state(items: &[Item]) -> (syn::ItemStatic, bool) {
    items
        .iter()
        .find_map(|i| match i {
            Item::Static(s) if s.ident == "STATE" => Some((s.clone(), false)),
            Item::Macro(m) if m.mac.path.segments.last().unwrap().ident == "__registered" => {
                Some((m.mac.parse_body().expect("a static"), true))
            }
            _ => None,
        })
        .expect("the static STATE")
}

/// The table that `STATE` holds as JSON.
fn state_table(items: &[Item]) -> orm_schema::TableDef {
    let syn::Expr::Struct(init) = &*state(items).0.expr else {
        panic!("a struct literal")
    };
    let table = init
        .fields
        .iter()
        .find(|f| matches!(&f.member, syn::Member::Named(n) if n == "table"))
        .expect("the field `table`");
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(json),
        ..
    }) = &table.expr
    else {
        panic!("a string")
    };
    orm_schema::TableDef::from_json(&json.value()).expect("the derive's JSON")
}

/// The `Model` impl's item named `name`, as a token string.
fn model_item(items: &[Item], name: &str) -> String {
    let model_impl = items
        .iter()
        .find_map(|i| match i {
            Item::Impl(imp) if imp.trait_.is_some() => Some(imp),
            _ => None,
        })
        .expect("the Model impl");
    let item = model_impl.items.iter().find(|item| match item {
        ImplItem::Const(c) => c.ident == name,
        ImplItem::Type(t) => t.ident == name,
        ImplItem::Fn(f) => f.sig.ident == name,
        _ => false,
    });
    quote!(#item).to_string()
}

#[test]
fn a_model_gets_its_impl_its_column_handles_and_a_registered_state() {
    let items = generated_items(quote! {
        #[orm(table = "users")]
        pub struct User {
            #[orm(primary_key)]
            pub id: i64,
            #[orm(skip)]
            cache: Vec<String>,
            pub(crate) email: Option<String>,
            pub visits: i32,
        }
    });
    assert_eq!(
        items.len(),
        4,
        "use, `__registered!` with the static STATE, impl Model, impl User"
    );
    let meta = model_item(&items, "META");
    assert!(
        meta.contains(r#"columns : & ["id" , "email" , "visits"]"#),
        "{meta}"
    );
    assert!(meta.contains("auto_increment : __orm :: Some (0usize)"));
    assert!(meta.contains("key_columns : & [0usize]"), "{meta}");
    assert!(meta.contains(r#"primary_key : & ["id"]"#), "{meta}");
    assert!(meta.contains(r#"table : "users""#), "{meta}");
    // The table, in the state: columns in field order, `email` NULL-able, the key
    // generated.
    let table = state_table(&items);
    assert_eq!(table.name, "users");
    let columns: Vec<_> = (table.columns.iter())
        .map(|c| (c.name.as_str(), c.sql_type.clone(), c.nullable))
        .collect();
    assert_eq!(
        columns,
        [
            ("id", SqlType::BigInt, false),
            ("email", SqlType::Text, true),
            ("visits", SqlType::Integer, false)
        ]
    );
    assert!(table.columns[0].auto_increment && table.columns[0].primary_key);
    assert_eq!(table.primary_key, ["id"]);
    // Registered: the state goes in the section `create_all` reads.
    assert!(state(&items).1);
    // `TABLE` and `PRIMARY_KEY` are the trait's, read from `META`.
    assert_eq!(model_item(&items, "TABLE"), "");
    assert_eq!(model_item(&items, "PRIMARY_KEY"), "");
    assert_eq!(model_item(&items, "Key"), "type Key = i64 ;");
    let from_row = model_item(&items, "from_row_at");
    assert!(
        from_row.contains("cache : :: core :: default :: Default :: default ()"),
        "{from_row}"
    );
    assert!(
        from_row.contains(
            "match __orm :: fields :: < Self , (i64 , Option < String > , i32 ,) > (row , offset , 0usize) { __orm :: Ok ((__f0 , __f1 , __f2 ,)) =>"
        ),
        "{from_row}"
    );
    assert!(from_row.contains("email : __f1"), "{from_row}");
    let set_integer = model_item(&items, "set_integer");
    assert!(
        set_integer.contains(
            "0usize => __orm :: set_key :: < Self , _ > (& mut self . id , 0usize , key)"
        ),
        "{set_integer}"
    );
    // An integer that is no key, version or foreign key is never given a key.
    assert!(!set_integer.contains("visits"), "{set_integer}");

    let handles = quote!(#(#items)*).to_string();
    assert!(handles.contains(
        r#"pub (crate) const email : __orm :: Column < User , Option < String > > = __orm :: Column :: of_field ("users" , "email")"#
    ));
    assert!(!handles.contains("const cache"));
}

#[test]
fn a_composite_key_is_a_tuple() {
    let items = generated_items(quote! {
        struct Membership {
            #[orm(primary_key)] group_id: i64,
            #[orm(primary_key)] user_id: i32,
        }
    });
    assert_eq!(model_item(&items, "Key"), "type Key = (i64 , i32) ;");
    let meta = model_item(&items, "META");
    assert!(meta.contains("auto_increment : __orm :: None"), "{meta}");
    assert!(meta.contains("key_columns : & [0usize , 1usize]"), "{meta}");
    assert!(
        meta.contains(r#"primary_key : & ["group_id" , "user_id"]"#),
        "{meta}"
    );
}

#[test]
fn a_key_of_more_columns_than_supported_is_an_error() {
    let output = expand(quote! {
        struct Wide {
            #[orm(primary_key)] a: i64, #[orm(primary_key)] b: i64, #[orm(primary_key)] c: i64,
            #[orm(primary_key)] d: i64, #[orm(primary_key)] e: i64, #[orm(primary_key)] f: i64,
            #[orm(primary_key)] g: i64, #[orm(primary_key)] h: i64, #[orm(primary_key)] i: i64,
        }
    })
    .to_string();
    assert!(output.contains("more than 8 columns"), "{output}");
    assert!(!output.contains("impl"), "{output}");
}

#[test]
fn references_resolve_through_the_other_models_consts() {
    let items = generated_items(quote! {
        struct Post {
            #[orm(primary_key)] id: i64,
            #[orm(references(crate::User), on_delete = "cascade")] author_id: i64,
            #[orm(references(Self))] parent_id: Option<i64>,
        }
    });
    // The foreign keys are the state's, read from the other models' constants at compile
    // time; `META` reads none, so the model's own constants are the trait's.
    let state = state(&items).0;
    let state = quote!(#state).to_string();
    assert!(
        state.contains("ref_table : < crate :: User as :: orm_core :: Model > :: TABLE"),
        "{state}"
    );
    assert!(
        state.contains("__orm :: nth (< Post as :: orm_core :: Model > :: PRIMARY_KEY , 0usize)"),
        "{state}"
    );
    assert!(state.contains("ReferentialAction :: Cascade"), "{state}");
    assert!(state_table(&items).foreign_keys.is_empty());
    assert_eq!(model_item(&items, "TABLE"), "");
    assert_eq!(model_item(&items, "PRIMARY_KEY"), "");
    let assertions: Vec<_> = items
        .iter()
        .filter(|i| matches!(i, Item::Const(_)))
        .collect();
    // A key-width assertion and a type check for each foreign key, and for the one to
    // another model a check that it is of the same database.
    assert_eq!(
        assertions.len(),
        5,
        "a key assertion and a type check for `User` and for `Self`, a database check for `User`"
    );
}

#[test]
fn an_invalid_model_yields_only_its_errors() {
    let output = expand(quote! {
        struct User {
            #[orm(uniq)] name: String,
            count: u64,
        }
    })
    .to_string();
    assert_eq!(output.matches("compile_error").count(), 3, "{output}");
    assert!(!output.contains("impl"), "{output}");
}

#[test]
fn input_that_is_not_an_item_is_an_error() {
    let output = expand(quote!(
        fn f() {}
    ))
    .to_string();
    assert!(output.contains("compile_error"), "{output}");
}

/// The whole expansion of a model using most attributes, pretty-printed: a change to the
/// generated code shows up as a reviewable diff.
#[test]
fn expansion_snapshot() {
    let output = expand(quote! {
        #[orm(table = "posts", index(columns("author_id", "created_at")))]
        pub struct Post {
            #[orm(primary_key)]
            pub id: i64,
            #[orm(references(User), on_delete = "cascade")]
            pub author_id: i64,
            #[orm(unique, max_length = 200, column = "post_title")]
            pub title: String,
            pub body: Option<String>,
            pub created_at: chrono::DateTime<chrono::Utc>,
            #[orm(skip)]
            pub cached_words: usize,
        }
    });
    let file: syn::File = syn::parse2(output).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn a_wide_model_is_decoded_as_tuples_of_sixteen() {
    let fields = (0..20usize).map(|i| quote::format_ident!("f{}", i));
    let items = generated_items(quote! {
        struct Wide {
            #[orm(primary_key)] id: i64,
            #(#fields: i32,)*
        }
    });
    let from_row = model_item(&items, "from_row_at");
    assert_eq!(
        from_row.matches("__orm :: fields ::").count(),
        2,
        "{from_row}"
    );
    assert!(from_row.contains("(row , offset , 16usize)"), "{from_row}");
    assert!(from_row.contains("f19 : __f20"), "{from_row}");
    let column_value = model_item(&items, "column_value");
    assert!(
        column_value.contains("match index / 16usize"),
        "{column_value}"
    );
    assert!(
        column_value.contains("1usize => __orm :: value_in :: < Self , _ > ((& self . f15 ,"),
        "{column_value}"
    );
}

#[test]
fn a_view_is_not_registered() {
    let items = generated_items(quote! {
        #[orm(view, table = "post_counts")]
        struct PostCount {
            #[orm(primary_key)] author_id: i64,
            posts: i64,
        }
    });
    // Its state still holds its table (`Model::table_def`), out of the section that
    // `create_all` reads.
    assert_eq!(state_table(&items).name, "post_counts");
    assert!(!state(&items).1);
}
