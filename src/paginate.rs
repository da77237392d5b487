//! `/item/activity/list` as a stream of pages, and of activities.
//!
//! ```no_run
//! # async fn run(client: plaid_item::Client, token: plaid_item::secret::AccessToken)
//! # -> Result<(), plaid_item::Error> {
//! let mut pages = client.item_activity_list().access_token(&token).count(50).into_paginator().send();
//! while let Some(page) = pages.next().await {
//!     println!("{} activities", page?.activities.len());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The stream is lazy: nothing is sent until it is polled, and each page is fetched only when
//! the previous one has been taken. It ends
//! - when a page has no `cursor`, or an empty one: that was the last page;
//! - after the first error, which it yields: a failed page is not skipped, since the cursor
//!   to go on from is on that page (the call's own retries have already been tried);
//! - when the server returns a cursor it returned before: it yields one error saying so
//!   ([`ErrorKind::RepeatedCursor`], with the request id of the page that repeated it) and ends, instead of fetching the same pages
//!   for ever.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use futures_core::Stream;

use crate::builder::ItemActivityList;
use crate::error::{Error, ErrorKind};
use crate::types::{Activity, ItemActivityListResponse};
use crate::Response;

/// The future of [`Pages::next`] and [`Items::next`]. Both are inherent methods, so they need
/// no import and win over `futures::StreamExt::next` when that trait is in scope too.
#[derive(Debug)]
pub struct Next<'s, S: ?Sized>(&'s mut S);

impl<S: Stream + Unpin + ?Sized> Future for Next<'_, S> {
    type Output = Option<S::Item>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.0).poll_next(cx)
    }
}

impl<'a> ItemActivityList<'a> {
    /// Turns this call into a paginator: `.into_paginator().send()` is a stream of pages,
    /// `.into_paginator().items()` a stream of activities. A `cursor` set here is where the
    /// first page starts.
    pub fn into_paginator(self) -> ActivityPaginator<'a> {
        ActivityPaginator { call: self }
    }
}

/// A paginated `/item/activity/list`; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct ActivityPaginator<'a> {
    call: ItemActivityList<'a>,
}

impl<'a> ActivityPaginator<'a> {
    /// The pages, each a whole reply (with its request id).
    pub fn send(self) -> Pages<'a> {
        Pages {
            state: State::Ready(self.call),
            seen: HashSet::new(),
        }
    }

    /// The activities of every page, in order.
    pub fn items(self) -> Items<'a> {
        Items {
            pages: self.send(),
            buffered: VecDeque::new(),
        }
    }
}

type PageFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Response<ItemActivityListResponse>, Error>> + Send + 'a>>;

enum State<'a> {
    /// The next call, not yet sent.
    Ready(ItemActivityList<'a>),
    /// A page on its way, and the call that would follow it.
    Fetching(PageFuture<'a>, ItemActivityList<'a>),
    Done,
}

/// The stream of pages from [`ActivityPaginator::send`].
pub struct Pages<'a> {
    state: State<'a>,
    /// Every cursor a page has returned, to stop a server that goes round in circles.
    seen: HashSet<String>,
}

impl std::fmt::Debug for Pages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Ready(_) => "ready",
            State::Fetching(..) => "fetching",
            State::Done => "done",
        };
        f.debug_struct("Pages")
            .field("state", &state)
            .field("pages_seen", &self.seen.len())
            .finish()
    }
}

impl Pages<'_> {
    /// The next page, or `None` when the stream has ended.
    #[allow(clippy::should_implement_trait, reason = "a Stream's next, awaited")]
    pub fn next(&mut self) -> Next<'_, Self> {
        Next(self)
    }
}

impl<'a> Stream for Pages<'a> {
    type Item = Result<Response<ItemActivityListResponse>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Ready(call) => {
                    let next = call.clone();
                    this.state = State::Fetching(Box::pin(call.send()), next);
                }
                State::Fetching(mut page, next) => {
                    let result = match page.as_mut().poll(cx) {
                        Poll::Pending => {
                            this.state = State::Fetching(page, next);
                            return Poll::Pending;
                        }
                        Poll::Ready(result) => result,
                    };
                    let page = match result {
                        Ok(page) => page,
                        Err(error) => return Poll::Ready(Some(Err(error))),
                    };
                    match page.cursor.as_deref() {
                        None | Some("") => {}
                        Some(cursor) if !this.seen.insert(cursor.to_owned()) => {
                            let pages = this.seen.len() + 1;
                            let request_id = page.request_id().map(str::to_owned);
                            return Poll::Ready(Some(Err(Error::new(ErrorKind::RepeatedCursor {
                                pages,
                                request_id,
                            })
                            .during("item_activity_list", 1))));
                        }
                        Some(cursor) => this.state = State::Ready(next.cursor(cursor)),
                    }
                    return Poll::Ready(Some(Ok(page)));
                }
            }
        }
    }
}

/// The stream of activities from [`ActivityPaginator::items`].
pub struct Items<'a> {
    pages: Pages<'a>,
    buffered: VecDeque<Activity>,
}

impl std::fmt::Debug for Items<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl Items<'_> {
    /// The next activity, or `None` when the stream has ended.
    #[allow(clippy::should_implement_trait, reason = "a Stream's next, awaited")]
    pub fn next(&mut self) -> Next<'_, Self> {
        Next(self)
    }
}

impl<'a> Stream for Items<'a> {
    type Item = Result<Activity, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(activity) = self.buffered.pop_front() {
                return Poll::Ready(Some(Ok(activity)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => {
                    self.buffered = page.into_inner().activities.into();
                }
            }
        }
    }
}
