package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// A grid splits the world into square cells, perCell degrees wide: one
// degree for the countries (64,800 cells), a quarter for the regions,
// which are smaller. Most land cells lie wholly inside one area and answer
// without a point-in-polygon test; the rest list the few shapes whose
// bounding box reaches them.
type grid struct {
	cols, rows int
	perDegree  float64 // cells per degree
	start      []int32 // cell i's shapes are shapes[start[i]:start[i+1]]
	shapes     []int32
	whole      []int16 // owner + 1 of a cell no outline crosses; 0 if none
}

func (g *grid) cellIndex(col, row int) int { return row*g.cols + col }

// cellOf clamps, so the ±90/±180 edges fall into the outermost cells.
func (g *grid) cellOf(lat, lon float64) (col, row int) {
	col = min(max(int(math.Floor((lon+180)*g.perDegree)), 0), g.cols-1)
	row = min(max(int(math.Floor((lat+90)*g.perDegree)), 0), g.rows-1)
	return col, row
}

func (g *grid) forEachCell(b orb.Bound, f func(cell int)) {
	c0, r0 := g.cellOf(b.Min[1], b.Min[0])
	c1, r1 := g.cellOf(b.Max[1], b.Max[0])
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			f(g.cellIndex(c, r))
		}
	}
}

func newGrid(shapes []shape, perDegree float64) grid {
	g := grid{cols: int(360 * perDegree), rows: int(180 * perDegree), perDegree: perDegree}
	cells := g.cols * g.rows
	g.start = make([]int32, cells+1)
	for _, s := range shapes {
		g.forEachCell(s.bound, func(cell int) { g.start[cell+1]++ })
	}
	for i := 1; i < len(g.start); i++ {
		g.start[i] += g.start[i-1]
	}
	g.shapes = make([]int32, g.start[cells])
	next := append([]int32(nil), g.start[:cells]...)
	for si, s := range shapes {
		g.forEachCell(s.bound, func(cell int) { g.shapes[next[cell]] = int32(si); next[cell]++ })
	}
	g.whole = g.wholeCells(shapes)
	return g
}

// wholeCells finds the cells that no outline edge touches: every point of
// such a cell is inside the same shapes as its centre. Edges are marked by
// their bounding boxes, which errs on the side of testing more often.
func (g *grid) wholeCells(shapes []shape) []int16 {
	crossed := make([]bool, g.cols*g.rows)
	for _, s := range shapes {
		for _, r := range s.polygon {
			for i := 1; i < len(r); i++ {
				a := orb.Point{float64(r[i-1][0]), float64(r[i-1][1])}
				edge := orb.Bound{Min: a, Max: a}.Extend(orb.Point{float64(r[i][0]), float64(r[i][1])})
				g.forEachCell(edge, func(cell int) { crossed[cell] = true })
			}
		}
	}
	whole := make([]int16, g.cols*g.rows)
	for cell := range whole {
		if crossed[cell] {
			continue
		}
		// No edge passes between the centres of two uncrossed neighbours:
		// they lie in the same shapes, so only the first of a run is tested.
		if col := cell % g.cols; col > 0 && !crossed[cell-1] {
			whole[cell] = whole[cell-1]
			continue
		}
		col, row := cell%g.cols, cell/g.cols
		centre := orb.Point{(float64(col)+0.5)/g.perDegree - 180, (float64(row)+0.5)/g.perDegree - 90}
		for _, si := range g.shapes[g.start[cell]:g.start[cell+1]] {
			if shapes[si].bound.Contains(centre) && polygonContains(shapes[si].polygon, centre) {
				whole[cell] = shapes[si].owner + 1
				break
			}
		}
	}
	return whole
}

func (g *grid) wholeCellOwner(lat, lon float64) (int16, bool) {
	c := g.whole[g.cellIndex(g.cellOf(lat, lon))]
	return c - 1, c > 0
}

func (g *grid) cellShapes(lat, lon float64) []int32 {
	cell := g.cellIndex(g.cellOf(lat, lon))
	return g.shapes[g.start[cell]:g.start[cell+1]]
}

// shapesNear lists, once each, the shapes listed in any cell within the
// given reach of the point.
func (g *grid) shapesNear(lat, lon, reachLat, reachLon float64) []int32 {
	var near []int32
	seen := map[int32]bool{}
	b := orb.Bound{Min: orb.Point{lon - reachLon, lat - reachLat}, Max: orb.Point{lon + reachLon, lat + reachLat}}
	g.forEachCell(b, func(cell int) {
		for _, si := range g.shapes[g.start[cell]:g.start[cell+1]] {
			if !seen[si] {
				seen[si] = true
				near = append(near, si)
			}
		}
	})
	return near
}
