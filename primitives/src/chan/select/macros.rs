//! `select!` and its helper macros (exported at the crate root; they expand to the protocol
//! in `chan::select`).

/// Waits on several channel operations and completes exactly one, as Go's `select`.
///
/// ```
/// use std::time::Duration;
/// use hbsync::chan::bounded;
///
/// let (tx1, rx1) = bounded::<i32>(1);
/// let (tx2, rx2) = bounded::<&str>(1);
/// tx2.send("hi").unwrap();
/// hbsync::select! {
///     recv(rx1) -> v => panic!("nothing was sent on 1: {v:?}"),
///     recv(rx2) -> v => assert_eq!(v, Ok("hi")),
/// }
/// // A send arm, and a default that runs when nothing is ready.
/// tx1.send(1).unwrap();
/// let sent = hbsync::select! {
///     send(tx1, 2) -> r => r.is_ok(),
///     default => false,
/// };
/// assert!(!sent, "rx1's buffer is full");
/// // default(timeout): wait at most that long.
/// let (_tx, never) = bounded::<()>(0);
/// hbsync::select! {
///     recv(never) -> _ => unreachable!(),
///     default(Duration::from_millis(5)) => {}
/// }
/// ```
///
/// Arms: `recv(rx) -> res => expr`, `send(tx, value) -> res => expr`, `default => expr`,
/// `default(timeout) => expr`, separated by commas (crossbeam's forms work too: an arm whose
/// body is a block needs no comma, a trailing comma is fine, `default()` is `default`).
/// `res` is the result of the plain operation (`Result<T, RecvError>` / `Result<(), SendError<T>>`); a closed channel's
/// `recv` arm is ready and yields `Err(RecvError)`; a send arm chosen on a closed channel
/// yields `Err` with the value (Go panics). If several arms are ready, one is chosen
/// uniformly at random. An operand may be an `Option` of a channel: `None` disables the arm
/// (Go's nil channel). Without any enabled arm and without `default`, the select blocks
/// forever, as `select {}` does. HB-SELECT applies.
#[macro_export]
macro_rules! select {
    ($($tokens:tt)*) => {
        $crate::__select_parse!(@cases [] @default [] $($tokens)*)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_parse {
    (@cases [$($c:tt)*] @default [$($d:tt)*] recv($rx:expr) -> $res:pat => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (recv ($rx)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] recv($rx:expr) -> $res:pat => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (recv ($rx)) $res => $body)] @default [$($d)*])
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] send($tx:expr, $v:expr) -> $res:pat => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (send ($tx, $v)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] send($tx:expr, $v:expr) -> $res:pat => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (send ($tx, $v)) $res => $body)] @default [$($d)*])
    };
    (@cases [$($c:tt)*] @default [] default => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::Try) $body] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::Try) $body])
    };
    (@cases [$($c:tt)*] @default [] default($t:expr) => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::timeout($t)) $body] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default($t:expr) => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::timeout($t)) $body])
    };
    // crossbeam's forms: a block arm needs no comma after it; `default()` is `default`.
    (@cases [$($c:tt)*] @default [$($d:tt)*] recv($rx:expr) -> $res:pat => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (recv ($rx)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] send($tx:expr, $v:expr) -> $res:pat => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (send ($tx, $v)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default() => $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [] default => $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::Try) $body] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default($t:expr) => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::timeout($t)) $body] $($rest)*)
    };
    // All arms parsed.
    (@cases [$(($case:ident $op:ident ($kind:ident $args:tt) $res:pat => $body:expr))*] @default [$(($mode:expr) $dbody:expr)?]) => {{
        // `let op = &operand;` extends the life of a temporary operand (`recv(ctx.done())`)
        // to the whole select; every operand and send value is evaluated once, in order.
        $( let $op = $crate::__select_operand!($kind $args); let $case = $crate::__select_case!($kind $op $args); )*
        let __mode = $crate::__select_mode!($($mode)?);
        let _ = $crate::chan::select::run(&[$(&$case as &dyn $crate::chan::select::Case),*], __mode);
        match () {
            $( () if $case.won() => { let $res = $case.take(); $body } )*
            () => { $crate::__select_default!($($dbody)?) }
        }
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_case {
    (recv $op:ident ($rx:expr)) => {
        $crate::chan::select::RecvCase::new($op)
    };
    (send $op:ident ($tx:expr, $v:expr)) => {
        $crate::chan::select::SendCase::new($op, $v)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_operand {
    (recv ($rx:expr)) => {
        &$rx
    };
    (send ($tx:expr, $v:expr)) => {
        &$tx
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_mode {
    () => {
        $crate::chan::select::Mode::Block
    };
    ($mode:expr) => {
        $mode
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_default {
    () => {
        unreachable!("a blocking select returned without a case")
    };
    // A match arm, not a bare `$body`: a block body (`default => { 0 }`) then is an arm body
    // as users write it, not braces around a block's value (`unused_braces` in their code).
    ($body:expr) => {
        match () {
            () => $body,
        }
    };
}
