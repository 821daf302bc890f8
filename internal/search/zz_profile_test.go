package search

import (
	"context"
	"testing"
	"time"
)

func BenchmarkZZFirstRun(b *testing.B) {
	dir := *benchData
	qs := []string{"净利润", "新能源汽车", "营业收入 同比增长", "北京 数字经济 政策 发布"}
	for b.Loop() {
		for _, q := range qs {
			s := openRecorded(b, dir, nil)
			s.Search(context.Background(), "鸬鹚", Options{})
			t := time.Now()
			r, err := s.Search(context.Background(), q, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s %d %v %+v", q, r.Total, time.Since(t), r.Timing)
		}
	}
}
