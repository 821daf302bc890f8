package pages

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkPages renders a post and a home page of the demo archive (bundle files read
// from the OS cache, the post shard parsed per request as the API does).
func BenchmarkPages(b *testing.B) {
	h := demoSite(b)
	for _, path := range []string{"/tea/2023/09/09/oolong-tasting.html", "/?page=2", "/search?q=tea"} {
		b.Run(path, func(b *testing.B) {
			bytes := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				bytes = rec.Body.Len()
			}
			b.ReportMetric(float64(bytes), "bytes/page")
		})
	}
}
