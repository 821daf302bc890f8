package archive

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"folio/internal/bundle"
	"folio/internal/render"
)

// MaxLimit is the most list entries one request returns.
const MaxLimit = 200

func (h *Handler) site(w http.ResponseWriter, r *http.Request) {
	rd, err := h.open(r.Context())
	if err != nil {
		Fail(w, err)
		return
	}
	JSON(w, SiteInfo(rd.Manifest()))
}

// SiteInfo is the answer of /api/site.
func SiteInfo(m *bundle.Manifest) map[string]any {
	_, search := m.Extra["search"]
	return map[string]any{"title": m.Title, "baseURL": m.BaseURL, "posts": m.Posts,
		"newest": m.Newest, "oldest": m.Oldest, "bundle": m.ID, "version": m.Version, "search": search}
}

// ListResult is the answer of /api/list.
type ListResult struct {
	Total  int            `json:"total"`
	Offset int            `json:"offset"`
	Items  []bundle.Entry `json:"items"`
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	rd, err := h.open(r.Context())
	if err != nil {
		Fail(w, err)
		return
	}
	q := r.URL.Query()
	offset, ok1 := intParam(r, "offset", 0, 1<<31-1)
	limit, ok2 := intParam(r, "limit", 20, MaxLimit)
	if !ok1 || !ok2 {
		Error(w, http.StatusBadRequest, "bad_request", "offset and limit must be whole numbers ≥ 0")
		return
	}
	filters := map[string]string{}
	if v := q.Get("category"); v != "" {
		filters["categories"] = v
	}
	if v := q.Get("tag"); v != "" {
		filters["tags"] = v
	}
	year, month := q.Get("year"), q.Get("month")
	switch {
	case year != "" && month != "":
		if len(month) == 1 {
			month = "0" + month
		}
		filters["months"] = year + "-" + month
	case year != "":
		filters["years"] = year
	case month != "":
		Error(w, http.StatusBadRequest, "bad_request", "month needs a year")
		return
	}
	res, err := Entries(r.Context(), rd, filters, offset, limit)
	if err != nil {
		Fail(w, err)
		return
	}
	JSON(w, res)
}

// Entries lists posts matching every filter (taxonomy → term: "categories", "tags",
// "years", "months"), newest first, as /api/list does. It walks the shortest matching
// list and keeps the entries that match the other filters.
func Entries(ctx context.Context, rd *bundle.Reader, filters map[string]string, offset, limit int) (*ListResult, error) {
	list := rd.AllSpan()
	var base string
	for kind, term := range filters {
		l, err := rd.TermList(ctx, kind, term)
		if err != nil {
			return nil, err
		}
		if base == "" || l.Count < list.Count {
			list, base = l, kind
		}
	}
	if len(filters) <= 1 {
		items, err := rd.Entries(ctx, list, offset, limit)
		if err != nil {
			return nil, err
		}
		return &ListResult{Total: list.Count, Offset: offset, Items: items}, nil
	}
	// Several filters: scan the shortest list.
	all, err := rd.Entries(ctx, list, 0, list.Count)
	if err != nil {
		return nil, err
	}
	var match []bundle.Entry
	for _, e := range all {
		if matches(e, filters, base) {
			match = append(match, e)
		}
	}
	res := &ListResult{Total: len(match), Offset: offset, Items: []bundle.Entry{}}
	if offset < len(match) {
		res.Items = match[offset:min(offset+limit, len(match))]
	}
	return res, nil
}

func matches(e bundle.Entry, filters map[string]string, skip string) bool {
	for kind, term := range filters {
		if kind == skip {
			continue
		}
		ok := false
		switch kind {
		case "categories":
			ok = contains(e.Categories, term)
		case "tags":
			ok = contains(e.Tags, term)
		case "years":
			ok = strings.HasPrefix(e.Date, term+"-")
		case "months":
			ok = strings.HasPrefix(e.Date, term+"-")
		}
		if !ok {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// PostView is the answer of /api/post: the post with its body rendered to safe HTML.
type PostView struct {
	bundle.Entry
	Excerpt string       `json:"excerpt"`
	HTML    string       `json:"html"`
	Older   *bundle.Link `json:"older"`
	Newer   *bundle.Link `json:"newer"`
}

func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	rd, err := h.open(r.Context())
	if err != nil {
		Fail(w, err)
		return
	}
	id := r.URL.Query().Get("id")
	if id == "" {
		Error(w, http.StatusBadRequest, "bad_request", "id is required")
		return
	}
	v, err := ReadPost(r.Context(), rd, id)
	if err != nil {
		Fail(w, err)
		return
	}
	JSON(w, v)
}

// ReadPost reads a post and renders its body to safe HTML, as /api/post answers it.
func ReadPost(ctx context.Context, rd *bundle.Reader, id string) (*PostView, error) {
	p, err := rd.Post(ctx, id)
	if err != nil {
		return nil, err
	}
	html, err := render.Default().RenderPost(p.Body, p.Format, p.URL)
	if err != nil {
		return nil, fmt.Errorf("render post %s: %w", id, err)
	}
	return &PostView{Entry: p.Entry, Excerpt: p.Excerpt, HTML: html, Older: p.Older, Newer: p.Newer}, nil
}

func (h *Handler) resolve(w http.ResponseWriter, r *http.Request) {
	rd, err := h.open(r.Context())
	if err != nil {
		Fail(w, err)
		return
	}
	path := r.URL.Query().Get("path")
	if path == "" {
		Error(w, http.StatusBadRequest, "bad_request", "path is required")
		return
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	id, err := rd.IDForURL(r.Context(), path)
	if err != nil {
		Fail(w, err)
		return
	}
	JSON(w, map[string]string{"id": id})
}

// TermCount is a term and its post count.
type TermCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (h *Handler) terms(w http.ResponseWriter, r *http.Request) {
	rd, err := h.open(r.Context())
	if err != nil {
		Fail(w, err)
		return
	}
	res, err := TermCounts(r.Context(), rd, r.URL.Query().Get("kind"))
	if err != nil {
		Fail(w, err)
		return
	}
	JSON(w, res)
}

// TermsResult is the answer of /api/terms.
type TermsResult struct {
	Kind  string      `json:"kind"`
	Terms []TermCount `json:"terms"`
}

// TermCounts lists the terms of a taxonomy with their post counts, as /api/terms does.
func TermCounts(ctx context.Context, rd *bundle.Reader, kind string) (*TermsResult, error) {
	idx, err := rd.Terms(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := make([]TermCount, len(idx.Terms))
	for i, t := range idx.Terms {
		out[i] = TermCount{t.Name, t.Count}
	}
	return &TermsResult{Kind: kind, Terms: out}, nil
}
