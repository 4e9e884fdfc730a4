package handlers

import (
	"net/http"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/geo"
	"github.com/whib/whib/views"
)

// maxInlineChecklistNames bounds the region names the map page carries in
// its checklists (about 15 kB of HTML): a traveller's few countries ride
// along, a map of the whole world links to GET /checklists instead, so
// its first page stays light.
const maxInlineChecklistNames = 1000

// checklistNames is how many region names the checklists list.
func checklistNames(s geo.Stats) int {
	n := 0
	for _, c := range s.Checklists {
		n += c.Total()
	}
	return n
}

// checklistsPage is GET /checklists: the world's checklist and each
// visited country's regions, visited and still to visit, of the places
// the viewer may see.
func (a *app) checklistsPage(w http.ResponseWriter, r *http.Request) error {
	snap, _, err := a.visible(r)
	if err != nil {
		return err
	}
	return a.render(w, r, http.StatusOK, views.ChecklistsPage(views.ChecklistsModel{
		Assets: a.viewAssets(),
		Viewer: a.viewer(r.Context(), auth.FromContext(r.Context())),
		Geo:    a.geoView(snap),
	}))
}
