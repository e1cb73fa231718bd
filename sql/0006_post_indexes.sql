-- Approved original posts, newest first: Explore and the deck walk this
-- index backwards and stop at their LIMIT, instead of merging two indexes
-- and sorting everything that matches.
ALTER TABLE posts ADD KEY IF NOT EXISTS posts_originals (state, repost_of_id, id);
