package post

import (
	"encoding/binary"
	"errors"

	"go.yaml.in/yaml/v3"
)

// Parsing the front matter's YAML is a third of reading a post that did not change since
// the last build (a profile of a rebuild of 100k generated posts: 2.3 of 5.0 s of Parse),
// so a build may keep the parsed trees from one build for the next (Config.FrontMatterMemo)
// in the encoding below. It holds every field of a yaml.Node but the alias pointer: a tree
// with anchors or aliases is not kept, and is parsed every time.

// parseFrontMatter parses a front matter's YAML, through the memo when there is one.
func (p *parser) parseFrontMatter(src string) (*yaml.Node, error) {
	if p.cfg.FrontMatterMemo == nil {
		return unmarshalNode(src)
	}
	var doc *yaml.Node
	var err error
	enc := p.cfg.FrontMatterMemo(src, func() []byte {
		if doc, err = unmarshalNode(src); err != nil {
			return nil
		}
		return encodeNode(nil, doc)
	})
	if doc != nil || err != nil {
		return doc, err
	}
	if n, rest, derr := decodeNode(enc, 0); derr == nil && len(rest) == 0 {
		return n, nil
	}
	return unmarshalNode(src) // a damaged entry: parse the text itself
}

func unmarshalNode(src string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// encodeNode appends n's encoding to b: its kind, style, line and column, its strings
// (tag, value, anchor, comments) and its children. It returns nil for a tree it does not
// keep (one with an alias).
func encodeNode(b []byte, n *yaml.Node) []byte {
	if n.Kind == yaml.AliasNode || n.Alias != nil || n.Anchor != "" {
		return nil
	}
	for _, v := range []int{int(n.Kind), int(n.Style), n.Line, n.Column, len(n.Content)} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, s := range []string{n.Tag, n.Value, n.HeadComment, n.LineComment, n.FootComment} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, c := range n.Content {
		if b = encodeNode(b, c); b == nil {
			return nil
		}
	}
	return b
}

var errBadNode = errors.New("damaged front matter entry")

// maxNodeDepth bounds the nesting decodeNode follows (front matter is a few levels deep).
const maxNodeDepth = 100

// decodeNode decodes one node of encodeNode's encoding from b, and returns the rest of b.
func decodeNode(b []byte, depth int) (*yaml.Node, []byte, error) {
	if depth > maxNodeDepth {
		return nil, nil, errBadNode
	}
	var nums [5]int
	for i := range nums {
		v, w := binary.Uvarint(b)
		if w <= 0 || v > 1<<31 {
			return nil, nil, errBadNode
		}
		nums[i], b = int(v), b[w:]
	}
	var strs [5]string
	for i := range strs {
		l, w := binary.Uvarint(b)
		if w <= 0 || l > uint64(len(b)-w) {
			return nil, nil, errBadNode
		}
		strs[i], b = string(b[w:w+int(l)]), b[w+int(l):]
	}
	if nums[4] > len(b) { // every child takes at least one byte
		return nil, nil, errBadNode
	}
	n := &yaml.Node{Kind: yaml.Kind(nums[0]), Style: yaml.Style(nums[1]), Line: nums[2], Column: nums[3],
		Tag: strs[0], Value: strs[1], HeadComment: strs[2], LineComment: strs[3], FootComment: strs[4]}
	if nums[4] > 0 {
		n.Content = make([]*yaml.Node, nums[4])
	}
	for i := range n.Content {
		var err error
		if n.Content[i], b, err = decodeNode(b, depth+1); err != nil {
			return nil, nil, err
		}
	}
	return n, b, nil
}
