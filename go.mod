module folio

go 1.26.0

require (
	github.com/andybalholm/brotli v1.3.0
	go.yaml.in/yaml/v3 v3.0.6
)

require golang.org/x/tools v0.52.0
