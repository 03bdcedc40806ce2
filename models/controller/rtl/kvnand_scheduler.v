// kvnand_scheduler: the example RTL command scheduler of kvnand's flash controller (Verilog-2005).
// It decides which queued host request becomes which flash command, for which die, at which clock
// edge, with exactly the reference policy of the clocked TLM scheduler (below), so that a
// co-simulation run and a TLM run issue the same commands per die. Verilated with
// `verilator --sc` and driven by kvnand's SystemC transactors; an architect replaces it with a
// module that keeps these ports and timing rules.
//
// ---------------------------------------------------------------------------------------------
// Parameters
//   LANES          (8)  request lanes = issue lanes = completion lanes.
//   DIES           (16) dies tracked; global die index g = channel * cfg_dies_per_channel + die.
//   QUEUE_CAPACITY (64) storage of each die's request queue (cfg_queue_depth <= QUEUE_CAPACITY).
// Field widths (fixed; localparams *_W): op 4, channel 8, die 8, planes 64 (bit p = plane p),
//   block 32, page 32, pages 32, count 16, tag 16. Packed lanes: lane l of a field of width W
//   is bits [l*W +: W] of the port.
//
// Op codes (4 bits)          class   request
//   0  READ                  page    one page (block, page) of one plane (planes one-hot), pages 1
//   1  PROGRAM               page    one page, pages 1
//   2  ERASE                 page    one block (page 0), pages 1
//   8  BROADCAST             stream  input vector to every die of the channel (die 0), pages 0
//   9  INPUT                 stream  input vector to one die, pages 0
//   10 COMPUTE               stream  in-flash kernel; planes with pages, pages = total pages
//   11 KV_PROGRAM            stream  K/V bytes into one plane's page (planes one-hot), pages 1
//   12 READ_PAGES            stream  page-stream read-out; planes with pages, pages = total
//   Other codes are refused (req_ready stays low); the transactor never sends them.
//
// Ports (in = into the scheduler)
//   clk                   in   Only rising edges matter. The clock is gated: the transactor makes
//                              an edge only when a request arrived, a completion or die_ready
//                              change is pending, or `active` was high after the last edge.
//   rst_n                 in   Active low, ASYNCHRONOUS (clears every register at once; the queue
//                              storage itself is not cleared, its counts are). kvnand holds it low
//                              for two edges at time 0, then high for the whole run.
//   cfg_dies_per_channel  in [7:0]   static from reset on; every request has die < this.
//   cfg_queue_depth       in [15:0]  requests one die's queue may hold (values above
//                                    QUEUE_CAPACITY act as QUEUE_CAPACITY).
//   cfg_max_planes        in [7:0]   most requests (planes) one multi-plane command serves, >= 1.
//   cfg_cache_read        in         1: a run of sequential single-plane READs is one cache read.
//   req_valid             in [LANES-1:0]
//   req_ready             out [LANES-1:0]  combinational from the registered state and this edge's
//                              request, die_ready, completion and cmd_ready inputs; high only on
//                              a valid lane whose request is taken at the coming edge.
//   req_op/channel/die/planes/block/page/pages/tag  in, packed LANES x field width.
//                              A request is TRANSFERRED at a rising edge where its lane has
//                              req_valid & req_ready; a lane not taken keeps its request for the
//                              next edge. Per die, requests arrive in order: lane order within an
//                              edge, earlier edges first (a refused request keeps every later one of
//                              its die waiting behind it). Tags are unique among requests in flight.
//                              A request with g >= DIES is refused forever (the transactor checks
//                              this before; it is never sent). For page-class requests req_pages is
//                              1 by definition and not stored.
//   die_ready             in [DIES-1:0]  bit g: die g's page-command sequencer is free (R/B#).
//                              The transactor lowers it before the edge after a page command to die
//                              g was issued and raises it when that command has completed.
//   cmd_valid             out [LANES-1:0]  REGISTERED. A command is ISSUED at the rising edge after
//                              which its lane shows cmd_valid (the transactor samples the issue
//                              lanes right after every edge and starts the command at that edge's
//                              time). The scheduler never holds a command: after the next edge a
//                              lane shows a different command or cmd_valid low.
//   cmd_ready             in [LANES-1:0]  sampled at an edge: lane l may carry a new command after
//                              this edge. kvnand's die side never stalls and ties it high; a low
//                              lane is skipped when issue lanes are assigned at that edge.
//   cmd_op/channel/die/planes/block/page/pages  out, REGISTERED, as the request fields.
//   cmd_count             out [LANES*16-1:0] requests the command serves.
//   cmd_tag               out [LANES*16-1:0] tag of the first request it serves.
//                              count > 1: a multi-plane command (op of the requests, planes = union
//                              of their one-hot planes, their block and (not ERASE) page, pages 1,
//                              count = planes) or a cache read (READ, one plane, pages = count
//                              consecutive pages from `page`). It serves the request cmd_tag and the
//                              next count-1 page-class requests of the same die in arrival order.
//                              Stream-class commands have count 1 and carry the request unchanged.
//   cpl_valid             in [LANES-1:0]  at the edge after a command finished (its last request
//                              done): one lane per finished command with
//   cpl_op/channel/die/tag in   the command's op, channel, die and cmd_tag.
//   active                out  REGISTERED: the scheduler needs the next edge although no input may
//                              change: a command was issued at this edge (its cmd_valid must
//                              drop), or commands or stream-class requests wait for an issue lane.
//   inflight              out [15:0]  REGISTERED: commands issued and not yet completed (every
//                              cpl_valid lane counts one completion); a debugging aid.
//
// Clock grid and decision rule: edges happen only at whole multiples of the clock period; an
// edge at time e sees every request, completion and die_ready change of time e that settled
// before it, anything later at e is seen at the next edge. All decisions below are made
// combinationally from the registered state and the inputs just before the edge, and take
// effect at the edge.
//
// Reference policy: at every edge, for every die g, in this order:
//   1. Take this edge's page-class requests of die g into its queue, in lane order, while the
//      queue holds fewer than cfg_queue_depth requests (the others are refused for now).
//   2. If die g may start a page command (die_ready[g], no page command of g in flight after this
//      edge's completions, no planned command of g waiting for an issue lane) and the queue is
//      not empty: plan one command from the queue head:
//      - multi-plane run: the head and the following requests with the same op, the same block
//        and (not for ERASE) the same page, each on a plane not yet in the run, at most
//        cfg_max_planes requests; if the run has > 1 request it is the command;
//      - else if the head is a READ and cfg_cache_read: the longest run of READs from the head on
//        the same plane and block with consecutive pages (page, page+1, ...), pages = count;
//      - else a single-request command.
//      Remove the served requests from the queue.
//   3. Take further refused requests of die g now that the queue has room (still lane order).
//   4. Every stream-class request is taken and issued at this edge with count 1 if it gets an
//      issue lane; otherwise it is refused and stays on its lane.
//   Issue lanes (those with cmd_ready high) are filled in this order: stream-class commands in
//   request-lane order, then page commands by ascending g. A page command planned in step 2 that
//   finds no free lane waits, already removed from the queue, and is issued first thing for its
//   die at a later edge (by the same ordering); its die plans nothing new meanwhile.
//   A page command in flight for die g is the one last issued to g until a completion lane with
//   a page-class op, g and its tag arrives. With kvnand's transactor that completion and the
//   rise of die_ready[g] are seen at the same edge, so the check adds no delay; it keeps a stale
//   die_ready from starting a second page command on a die.
//
// Implementation: two processes. One always @* computes req_ready, the next state and the next
// registered outputs (blocking assignments to *_next); one always @(posedge clk or negedge rst_n)
// stores them (non-blocking) and writes the queue storage. Each die's queue is a circular buffer
// of QUEUE_CAPACITY entries {op, planes, block, page, tag}; requests arriving at an edge are
// visible to that edge's plan before they are stored. Planning scans from the head only as far
// as a run can still grow, so an edge costs O(DIES * LANES) plus the length of the runs.
// ---------------------------------------------------------------------------------------------

module kvnand_scheduler #(
  parameter integer LANES = 8,
  parameter integer DIES = 16,
  parameter integer QUEUE_CAPACITY = 64
) (
  clk, rst_n,
  cfg_dies_per_channel, cfg_queue_depth, cfg_max_planes, cfg_cache_read,
  req_valid, req_ready, req_op, req_channel, req_die, req_planes, req_block, req_page, req_pages,
  req_tag,
  die_ready,
  cmd_valid, cmd_ready, cmd_op, cmd_channel, cmd_die, cmd_planes, cmd_block, cmd_page, cmd_pages,
  cmd_count, cmd_tag,
  cpl_valid, cpl_op, cpl_channel, cpl_die, cpl_tag,
  active, inflight
);
  localparam OP_W = 4;
  localparam CH_W = 8;
  localparam DIE_W = 8;
  localparam PLANES_W = 64;
  localparam BLOCK_W = 32;
  localparam PAGE_W = 32;
  localparam PAGES_W = 32;
  localparam COUNT_W = 16;
  localparam TAG_W = 16;
  localparam DEPTH_W = 16;
  localparam MAXPL_W = 8;
  localparam INFLIGHT_W = 16;
  // channel * dies_per_channel + die < 2^(CH_W + DIE_W)
  localparam GLOBAL_W = CH_W + DIE_W;
  // Queue positions counted from the head before wrapping: below 2 * QUEUE_CAPACITY (a step-3
  // write lands behind count + arrivals, count + arrivals < depth + popped).
  localparam POS_W = DEPTH_W + 2;
  localparam SLOT_W = QUEUE_CAPACITY > 1 ? $clog2(QUEUE_CAPACITY) : 1;
  localparam LANE_W = LANES > 1 ? $clog2(LANES) : 1;
  localparam LANES_W = $clog2(LANES + 1);
  localparam DIDX_W = DIES > 1 ? $clog2(DIES) : 1;
  // The parameters as sized constants for the comparisons they take part in.
  localparam [POS_W-1:0]    CAPACITY_POS = QUEUE_CAPACITY[POS_W-1:0];
  localparam [DEPTH_W-1:0]  CAPACITY_DEPTH = QUEUE_CAPACITY[DEPTH_W-1:0];
  localparam [LANES_W-1:0]  LANES_COUNT = LANES[LANES_W-1:0];
  localparam [GLOBAL_W-1:0] DIES_GLOBAL = DIES[GLOBAL_W-1:0];

  localparam [OP_W-1:0] OP_READ = 4'd0;
  localparam [OP_W-1:0] OP_PROGRAM = 4'd1;
  localparam [OP_W-1:0] OP_ERASE = 4'd2;
  localparam [OP_W-1:0] OP_BROADCAST = 4'd8;
  localparam [OP_W-1:0] OP_READ_PAGES = 4'd12;

  input                         clk;
  input                         rst_n;
  input  [CH_W-1:0]             cfg_dies_per_channel;
  input  [DEPTH_W-1:0]          cfg_queue_depth;
  input  [MAXPL_W-1:0]          cfg_max_planes;
  input                         cfg_cache_read;
  input  [LANES-1:0]            req_valid;
  output reg [LANES-1:0]        req_ready;
  input  [LANES*OP_W-1:0]       req_op;
  input  [LANES*CH_W-1:0]       req_channel;
  input  [LANES*DIE_W-1:0]      req_die;
  input  [LANES*PLANES_W-1:0]   req_planes;
  input  [LANES*BLOCK_W-1:0]    req_block;
  input  [LANES*PAGE_W-1:0]     req_page;
  input  [LANES*PAGES_W-1:0]    req_pages;
  input  [LANES*TAG_W-1:0]      req_tag;
  input  [DIES-1:0]             die_ready;
  output reg [LANES-1:0]        cmd_valid;
  input  [LANES-1:0]            cmd_ready;
  output reg [LANES*OP_W-1:0]     cmd_op;
  output reg [LANES*CH_W-1:0]     cmd_channel;
  output reg [LANES*DIE_W-1:0]    cmd_die;
  output reg [LANES*PLANES_W-1:0] cmd_planes;
  output reg [LANES*BLOCK_W-1:0]  cmd_block;
  output reg [LANES*PAGE_W-1:0]   cmd_page;
  output reg [LANES*PAGES_W-1:0]  cmd_pages;
  output reg [LANES*COUNT_W-1:0]  cmd_count;
  output reg [LANES*TAG_W-1:0]    cmd_tag;
  input  [LANES-1:0]            cpl_valid;
  input  [LANES*OP_W-1:0]       cpl_op;
  input  [LANES*CH_W-1:0]       cpl_channel;
  input  [LANES*DIE_W-1:0]      cpl_die;
  input  [LANES*TAG_W-1:0]      cpl_tag;
  output reg                    active;
  output reg [INFLIGHT_W-1:0]   inflight;

  function is_page_op(input [OP_W-1:0] op);
    is_page_op = op == OP_READ || op == OP_PROGRAM || op == OP_ERASE;
  endfunction

  function is_stream_op(input [OP_W-1:0] op);
    is_stream_op = op >= OP_BROADCAST && op <= OP_READ_PAGES;
  endfunction

  function [GLOBAL_W-1:0] global_die(input [CH_W-1:0] channel, input [DIE_W-1:0] die,
                                     input [CH_W-1:0] dies_per_channel);
    global_die = {{DIE_W{1'b0}}, channel} * {{DIE_W{1'b0}}, dies_per_channel} +
                 {{CH_W{1'b0}}, die};
  endfunction

  // Storage slot of queue position `pos` (counted from the head, below 2 * QUEUE_CAPACITY).
  function [SLOT_W-1:0] queue_slot(input [SLOT_W-1:0] head, input [POS_W-1:0] pos);
    reg [POS_W-1:0] wrapped;
    begin
      wrapped = {{POS_W-SLOT_W{1'b0}}, head} + pos;
      if (wrapped >= CAPACITY_POS) wrapped = wrapped - CAPACITY_POS;
      if (wrapped >= CAPACITY_POS) wrapped = wrapped - CAPACITY_POS;
      queue_slot = wrapped[SLOT_W-1:0];
    end
  endfunction

  // ---- state ---------------------------------------------------------------------------------
  // Per-die circular request queues (per-die fields packed: die g's head is
  // q_head[g*SLOT_W +: SLOT_W]): storage slot queue_slot(head, i) of die g holds its i-th oldest.
  reg [OP_W-1:0]     q_op     [0:DIES-1][0:QUEUE_CAPACITY-1];
  reg [PLANES_W-1:0] q_planes [0:DIES-1][0:QUEUE_CAPACITY-1];
  reg [BLOCK_W-1:0]  q_block  [0:DIES-1][0:QUEUE_CAPACITY-1];
  reg [PAGE_W-1:0]   q_page   [0:DIES-1][0:QUEUE_CAPACITY-1];
  reg [TAG_W-1:0]    q_tag    [0:DIES-1][0:QUEUE_CAPACITY-1];
  reg [DIES*SLOT_W-1:0]   q_head;
  reg [DIES*DEPTH_W-1:0]  q_count;
  // A planned page command that found no free issue lane (its requests already left the queue).
  reg [DIES-1:0]     pend_valid;
  reg [DIES*OP_W-1:0]     pend_op;
  reg [DIES*PLANES_W-1:0] pend_planes;
  reg [DIES*BLOCK_W-1:0]  pend_block;
  reg [DIES*PAGE_W-1:0]   pend_page;
  reg [DIES*PAGES_W-1:0]  pend_pages;
  reg [DIES*COUNT_W-1:0]  pend_count;
  reg [DIES*TAG_W-1:0]    pend_tag;
  // The issued page command of each die until its completion (busy_tag = its cmd_tag).
  reg [DIES-1:0]     busy;
  reg [DIES*TAG_W-1:0]    busy_tag;

  // ---- next state and registered outputs, computed by the always @* block --------------------
  reg [DIES*SLOT_W-1:0]   q_head_next;
  reg [DIES*DEPTH_W-1:0]  q_count_next;
  reg [DIES-1:0]     pend_valid_next;
  reg [DIES*OP_W-1:0]     pend_op_next;
  reg [DIES*PLANES_W-1:0] pend_planes_next;
  reg [DIES*BLOCK_W-1:0]  pend_block_next;
  reg [DIES*PAGE_W-1:0]   pend_page_next;
  reg [DIES*PAGES_W-1:0]  pend_pages_next;
  reg [DIES*COUNT_W-1:0]  pend_count_next;
  reg [DIES*TAG_W-1:0]    pend_tag_next;
  reg [DIES-1:0]     busy_next;
  reg [DIES*TAG_W-1:0]    busy_tag_next;
  // Queue write port per request lane: the lane's request goes to slot wr_slot[l] of die wr_die[l].
  reg [LANES-1:0]    wr_en;
  reg [DIDX_W-1:0]   wr_die  [0:LANES-1];
  reg [SLOT_W-1:0]   wr_slot [0:LANES-1];
  reg [LANES-1:0]          cmd_valid_next;
  reg [LANES*OP_W-1:0]     cmd_op_next;
  reg [LANES*CH_W-1:0]     cmd_channel_next;
  reg [LANES*DIE_W-1:0]    cmd_die_next;
  reg [LANES*PLANES_W-1:0] cmd_planes_next;
  reg [LANES*BLOCK_W-1:0]  cmd_block_next;
  reg [LANES*PAGE_W-1:0]   cmd_page_next;
  reg [LANES*PAGES_W-1:0]  cmd_pages_next;
  reg [LANES*COUNT_W-1:0]  cmd_count_next;
  reg [LANES*TAG_W-1:0]    cmd_tag_next;
  reg                      active_next;
  reg [INFLIGHT_W-1:0]     inflight_next;

  // ---- combinational temporaries: every one gets a default at the top of the always @* block --
  reg [GLOBAL_W-1:0] lane_g [0:LANES-1];
  reg [LANES-1:0]    lane_page;    // valid page-class request of a tracked die
  reg [LANES-1:0]    lane_stream;  // valid stream-class request of a tracked die
  reg [GLOBAL_W-1:0] cpl_g;
  reg [DIDX_W-1:0]   cpl_idx;
  reg [DIES-1:0]     cpl_clears;   // this edge's completions end the die's page command
  reg [LANE_W-1:0]   die_lane [0:LANES-1];  // lanes of die g's page-class requests, lane order
  reg [LANES_W-1:0]  n;            // how many of them
  reg [LANES_W-1:0]  slot;         // next issue lane to try
  reg [INFLIGHT_W-1:0] issued, completed;
  reg [CH_W-1:0]     g_channel;    // channel and die of global die index g
  reg [DIE_W-1:0]    g_die;
  reg [DEPTH_W-1:0]  depth;        // cfg_queue_depth, at most QUEUE_CAPACITY
  reg [SLOT_W-1:0]   cur_head;     // die g's queue head slot and length before this edge
  reg [DEPTH_W-1:0]  cur_count;
  reg [POS_W-1:0]    room, taken, vcount, popped, limit, accepted, pos;
  reg                can_plan, mp_run, cr_run;
  reg [COUNT_W-1:0]  mp_count, cr_count;
  reg [PLANES_W-1:0] mp_planes;
  reg [OP_W-1:0]     e_op;         // queue entry being looked at
  reg [PLANES_W-1:0] e_planes;
  reg [BLOCK_W-1:0]  e_block;
  reg [PAGE_W-1:0]   e_page;
  reg [TAG_W-1:0]    e_tag;
  reg [PLANES_W-1:0] p_planes;     // the entry before it
  reg [BLOCK_W-1:0]  p_block;
  reg [PAGE_W-1:0]   p_page;
  reg                c_valid;      // die g's page command for this edge
  reg [OP_W-1:0]     c_op;
  reg [PLANES_W-1:0] c_planes;
  reg [BLOCK_W-1:0]  c_block;
  reg [PAGE_W-1:0]   c_page;
  reg [PAGES_W-1:0]  c_pages;
  reg [COUNT_W-1:0]  c_count;
  reg [TAG_W-1:0]    c_tag;
  integer l, g;

  // Entry `fpos` of die `fg`'s queue after step 1 into e_*: the stored requests first, then this
  // edge's step-1 arrivals (cur_head, cur_count and die_lane must be die fg's).
  task fetch(input [DIDX_W-1:0] fg, input [POS_W-1:0] fpos);
    reg [SLOT_W-1:0] at;
    reg [LANE_W-1:0] lane;
    begin
      if (fpos < {2'b00, cur_count}) begin
        at = queue_slot(cur_head, fpos);
        e_op = q_op[fg][at];
        e_planes = q_planes[fg][at];
        e_block = q_block[fg][at];
        e_page = q_page[fg][at];
        e_tag = q_tag[fg][at];
      end else begin
        // The arrival index is below LANES, so its low LANE_W bits are exact.
        lane = die_lane[fpos[LANE_W-1:0] - cur_count[LANE_W-1:0]];
        e_op = req_op[lane*OP_W +: OP_W];
        e_planes = req_planes[lane*PLANES_W +: PLANES_W];
        e_block = req_block[lane*BLOCK_W +: BLOCK_W];
        e_page = req_page[lane*PAGE_W +: PAGE_W];
        e_tag = req_tag[lane*TAG_W +: TAG_W];
      end
    end
  endtask

  always @* begin
    req_ready = {LANES{1'b0}};
    wr_en = {LANES{1'b0}};
    for (l = 0; l < LANES; l = l + 1) begin
      wr_die[l] = {DIDX_W{1'b0}};
      wr_slot[l] = {SLOT_W{1'b0}};
      die_lane[l] = {LANE_W{1'b0}};
    end
    cmd_valid_next = {LANES{1'b0}};
    cmd_op_next = {LANES*OP_W{1'b0}};
    cmd_channel_next = {LANES*CH_W{1'b0}};
    cmd_die_next = {LANES*DIE_W{1'b0}};
    cmd_planes_next = {LANES*PLANES_W{1'b0}};
    cmd_block_next = {LANES*BLOCK_W{1'b0}};
    cmd_page_next = {LANES*PAGE_W{1'b0}};
    cmd_pages_next = {LANES*PAGES_W{1'b0}};
    cmd_count_next = {LANES*COUNT_W{1'b0}};
    cmd_tag_next = {LANES*TAG_W{1'b0}};
    active_next = 1'b0;
    // Per-die state keeps its value unless this edge changes it.
    q_head_next = q_head;
    q_count_next = q_count;
    pend_valid_next = {DIES{1'b0}};
    pend_op_next = pend_op;
    pend_planes_next = pend_planes;
    pend_block_next = pend_block;
    pend_page_next = pend_page;
    pend_pages_next = pend_pages;
    pend_count_next = pend_count;
    pend_tag_next = pend_tag;
    busy_tag_next = busy_tag;
    issued = {INFLIGHT_W{1'b0}};
    completed = {INFLIGHT_W{1'b0}};
    cpl_g = {GLOBAL_W{1'b0}};
    cpl_idx = {DIDX_W{1'b0}};
    cur_head = {SLOT_W{1'b0}};
    cur_count = {DEPTH_W{1'b0}};
    n = {LANES_W{1'b0}};
    slot = {LANES_W{1'b0}};
    g_channel = {CH_W{1'b0}};
    g_die = {DIE_W{1'b0}};
    depth = cfg_queue_depth > CAPACITY_DEPTH ? CAPACITY_DEPTH : cfg_queue_depth;
    room = {POS_W{1'b0}};
    taken = {POS_W{1'b0}};
    vcount = {POS_W{1'b0}};
    popped = {POS_W{1'b0}};
    limit = {POS_W{1'b0}};
    accepted = {POS_W{1'b0}};
    pos = {POS_W{1'b0}};
    can_plan = 1'b0;
    mp_run = 1'b0;
    cr_run = 1'b0;
    mp_count = {COUNT_W{1'b0}};
    cr_count = {COUNT_W{1'b0}};
    mp_planes = {PLANES_W{1'b0}};
    e_op = {OP_W{1'b0}};
    e_planes = {PLANES_W{1'b0}};
    e_block = {BLOCK_W{1'b0}};
    e_page = {PAGE_W{1'b0}};
    e_tag = {TAG_W{1'b0}};
    p_planes = {PLANES_W{1'b0}};
    p_block = {BLOCK_W{1'b0}};
    p_page = {PAGE_W{1'b0}};
    c_valid = 1'b0;
    c_op = {OP_W{1'b0}};
    c_planes = {PLANES_W{1'b0}};
    c_block = {BLOCK_W{1'b0}};
    c_page = {PAGE_W{1'b0}};
    c_pages = {PAGES_W{1'b0}};
    c_count = {COUNT_W{1'b0}};
    c_tag = {TAG_W{1'b0}};

    // Classify the request lanes.
    for (l = 0; l < LANES; l = l + 1) begin
      lane_g[l] = global_die(req_channel[l*CH_W +: CH_W], req_die[l*DIE_W +: DIE_W],
                             cfg_dies_per_channel);
      lane_page[l] = req_valid[l] && lane_g[l] < DIES_GLOBAL && is_page_op(req_op[l*OP_W +: OP_W]);
      lane_stream[l] = req_valid[l] && lane_g[l] < DIES_GLOBAL && is_stream_op(req_op[l*OP_W +: OP_W]);
    end

    // Completions: each counts one; a page-class one with the tag of its die's page command ends it.
    cpl_clears = {DIES{1'b0}};
    for (l = 0; l < LANES; l = l + 1) begin
      if (cpl_valid[l]) begin
        completed = completed + 1'b1;
        cpl_g = global_die(cpl_channel[l*CH_W +: CH_W], cpl_die[l*DIE_W +: DIE_W],
                           cfg_dies_per_channel);
        cpl_idx = cpl_g[DIDX_W-1:0];
        if (cpl_g < DIES_GLOBAL && is_page_op(cpl_op[l*OP_W +: OP_W]) && busy[cpl_idx] &&
            cpl_tag[l*TAG_W +: TAG_W] == busy_tag[cpl_idx*TAG_W +: TAG_W])
          cpl_clears[cpl_idx] = 1'b1;
      end
    end

    busy_next = busy & ~cpl_clears;

    // Step 4 first: stream-class commands take the free issue lanes, in request-lane order.
    for (l = 0; l < LANES; l = l + 1) begin
      if (lane_stream[l]) begin
        while (slot < LANES_COUNT && !cmd_ready[slot[LANE_W-1:0]]) slot = slot + 1'b1;
        if (slot < LANES_COUNT) begin
          req_ready[l] = 1'b1;
          cmd_valid_next[slot[LANE_W-1:0]] = 1'b1;
          cmd_op_next[slot*OP_W +: OP_W] = req_op[l*OP_W +: OP_W];
          cmd_channel_next[slot*CH_W +: CH_W] = req_channel[l*CH_W +: CH_W];
          cmd_die_next[slot*DIE_W +: DIE_W] = req_die[l*DIE_W +: DIE_W];
          cmd_planes_next[slot*PLANES_W +: PLANES_W] = req_planes[l*PLANES_W +: PLANES_W];
          cmd_block_next[slot*BLOCK_W +: BLOCK_W] = req_block[l*BLOCK_W +: BLOCK_W];
          cmd_page_next[slot*PAGE_W +: PAGE_W] = req_page[l*PAGE_W +: PAGE_W];
          cmd_pages_next[slot*PAGES_W +: PAGES_W] = req_pages[l*PAGES_W +: PAGES_W];
          cmd_count_next[slot*COUNT_W +: COUNT_W] = {{COUNT_W-1{1'b0}}, 1'b1};
          cmd_tag_next[slot*TAG_W +: TAG_W] = req_tag[l*TAG_W +: TAG_W];
          issued = issued + 1'b1;
          slot = slot + 1'b1;
        end else begin
          active_next = 1'b1;
        end
      end
    end

    // Steps 1-3 per die in ascending g, then the die's page command onto the next free issue lane.
    for (g = 0; g < DIES; g = g + 1) begin
      n = {LANES_W{1'b0}};
      for (l = 0; l < LANES; l = l + 1) begin
        die_lane[l] = {LANE_W{1'b0}};
        if (lane_page[l] && lane_g[l] == g[GLOBAL_W-1:0]) begin
          die_lane[n[LANE_W-1:0]] = l[LANE_W-1:0];
          n = n + 1'b1;
        end
      end
      cur_head = q_head[g*SLOT_W +: SLOT_W];
      cur_count = q_count[g*DEPTH_W +: DEPTH_W];
      room = depth > cur_count ? {2'b00, depth - cur_count} : {POS_W{1'b0}};
      taken = {{POS_W-LANES_W{1'b0}}, n} < room ? {{POS_W-LANES_W{1'b0}}, n} : room;
      vcount = {2'b00, cur_count} + taken;


      // Step 2, or the command that waits for an issue lane.
      can_plan = !pend_valid[g] && die_ready[g] && !busy_next[g] && vcount != {POS_W{1'b0}};
      popped = {POS_W{1'b0}};
      c_valid = pend_valid[g];
      if (pend_valid[g]) begin
        c_op = pend_op[g*OP_W +: OP_W];
        c_planes = pend_planes[g*PLANES_W +: PLANES_W];
        c_block = pend_block[g*BLOCK_W +: BLOCK_W];
        c_page = pend_page[g*PAGE_W +: PAGE_W];
        c_pages = pend_pages[g*PAGES_W +: PAGES_W];
        c_count = pend_count[g*COUNT_W +: COUNT_W];
        c_tag = pend_tag[g*TAG_W +: TAG_W];
      end
      if (can_plan) begin
        // Both runs grow from the head in one pass; the pass ends when neither can grow.
        fetch(g[DIDX_W-1:0], {POS_W{1'b0}});
        c_valid = 1'b1;
        c_op = e_op;
        c_planes = e_planes;
        c_block = e_block;
        c_page = e_page;
        c_tag = e_tag;
        mp_planes = e_planes;
        mp_count = {{COUNT_W-1{1'b0}}, 1'b1};
        cr_count = {{COUNT_W-1{1'b0}}, 1'b1};
        mp_run = {{COUNT_W-MAXPL_W{1'b0}}, cfg_max_planes} > mp_count;
        cr_run = e_op == OP_READ && cfg_cache_read;
        p_planes = e_planes;
        p_block = e_block;
        p_page = e_page;
        for (pos = {{POS_W-1{1'b0}}, 1'b1}; (mp_run || cr_run) && pos < vcount; pos = pos + 1'b1) begin
          fetch(g[DIDX_W-1:0], pos);
          if (mp_run && e_op == c_op && e_block == c_block &&
              (c_op == OP_ERASE || e_page == c_page) && (e_planes & mp_planes) == {PLANES_W{1'b0}}) begin
            mp_planes = mp_planes | e_planes;
            mp_count = mp_count + 1'b1;
            mp_run = {{COUNT_W-MAXPL_W{1'b0}}, cfg_max_planes} > mp_count;
          end else begin
            mp_run = 1'b0;
          end
          if (cr_run && e_op == OP_READ && e_planes == p_planes && e_block == p_block &&
              e_page == p_page + 1'b1)
            cr_count = cr_count + 1'b1;
          else
            cr_run = 1'b0;
          p_planes = e_planes;
          p_block = e_block;
          p_page = e_page;
        end
        c_pages = {{PAGES_W-1{1'b0}}, 1'b1};
        c_count = {{COUNT_W-1{1'b0}}, 1'b1};
        if (mp_count > 1) begin
          c_planes = mp_planes;
          c_count = mp_count;
        end else if (cr_count > 1) begin
          c_pages = {{PAGES_W-COUNT_W{1'b0}}, cr_count};
          c_count = cr_count;
        end
        popped = {{POS_W-COUNT_W{1'b0}}, c_count};
      end

      // Steps 1 and 3: the first room + popped page-class requests of die g are taken.
      limit = room + popped;
      for (l = 0; l < LANES; l = l + 1) begin
        if (l < n && l[POS_W-1:0] < limit) begin
          req_ready[die_lane[l]] = 1'b1;
          wr_en[die_lane[l]] = 1'b1;
          wr_die[die_lane[l]] = g[DIDX_W-1:0];
          wr_slot[die_lane[l]] = queue_slot(cur_head, {2'b00, cur_count} + l[POS_W-1:0]);
        end
      end
      accepted = {{POS_W-LANES_W{1'b0}}, n} < limit ? {{POS_W-LANES_W{1'b0}}, n} : limit;
      if (accepted != popped)
        q_count_next[g*DEPTH_W +: DEPTH_W] = cur_count + accepted[DEPTH_W-1:0] - popped[DEPTH_W-1:0];
      if (popped != {POS_W{1'b0}}) q_head_next[g*SLOT_W +: SLOT_W] = queue_slot(cur_head, popped);

      // Issue: the die's command onto the next free lane, or it waits and the clock keeps going.
      if (c_valid) begin
        while (slot < LANES_COUNT && !cmd_ready[slot[LANE_W-1:0]]) slot = slot + 1'b1;
        if (slot < LANES_COUNT) begin
          cmd_valid_next[slot[LANE_W-1:0]] = 1'b1;
          cmd_op_next[slot*OP_W +: OP_W] = c_op;
          cmd_channel_next[slot*CH_W +: CH_W] = g_channel;
          cmd_die_next[slot*DIE_W +: DIE_W] = g_die;
          cmd_planes_next[slot*PLANES_W +: PLANES_W] = c_planes;
          cmd_block_next[slot*BLOCK_W +: BLOCK_W] = c_block;
          cmd_page_next[slot*PAGE_W +: PAGE_W] = c_page;
          cmd_pages_next[slot*PAGES_W +: PAGES_W] = c_pages;
          cmd_count_next[slot*COUNT_W +: COUNT_W] = c_count;
          cmd_tag_next[slot*TAG_W +: TAG_W] = c_tag;
          busy_next[g] = 1'b1;
          busy_tag_next[g*TAG_W +: TAG_W] = c_tag;
          issued = issued + 1'b1;
          slot = slot + 1'b1;
        end else begin
          pend_valid_next[g] = 1'b1;
          pend_op_next[g*OP_W +: OP_W] = c_op;
          pend_planes_next[g*PLANES_W +: PLANES_W] = c_planes;
          pend_block_next[g*BLOCK_W +: BLOCK_W] = c_block;
          pend_page_next[g*PAGE_W +: PAGE_W] = c_page;
          pend_pages_next[g*PAGES_W +: PAGES_W] = c_pages;
          pend_count_next[g*COUNT_W +: COUNT_W] = c_count;
          pend_tag_next[g*TAG_W +: TAG_W] = c_tag;
          active_next = 1'b1;
        end
      end

      // Channel and die of g + 1 (g = channel * cfg_dies_per_channel + die).
      g_die = g_die + 1'b1;
      if (g_die == cfg_dies_per_channel) begin
        g_die = {DIE_W{1'b0}};
        g_channel = g_channel + 1'b1;
      end
    end

    if (issued != {INFLIGHT_W{1'b0}}) active_next = 1'b1;
    inflight_next = inflight + issued - completed;
  end

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      q_head <= {DIES*SLOT_W{1'b0}};
      q_count <= {DIES*DEPTH_W{1'b0}};
      pend_op <= {DIES*OP_W{1'b0}};
      pend_planes <= {DIES*PLANES_W{1'b0}};
      pend_block <= {DIES*BLOCK_W{1'b0}};
      pend_page <= {DIES*PAGE_W{1'b0}};
      pend_pages <= {DIES*PAGES_W{1'b0}};
      pend_count <= {DIES*COUNT_W{1'b0}};
      pend_tag <= {DIES*TAG_W{1'b0}};
      busy_tag <= {DIES*TAG_W{1'b0}};
      pend_valid <= {DIES{1'b0}};
      busy <= {DIES{1'b0}};
      cmd_valid <= {LANES{1'b0}};
      cmd_op <= {LANES*OP_W{1'b0}};
      cmd_channel <= {LANES*CH_W{1'b0}};
      cmd_die <= {LANES*DIE_W{1'b0}};
      cmd_planes <= {LANES*PLANES_W{1'b0}};
      cmd_block <= {LANES*BLOCK_W{1'b0}};
      cmd_page <= {LANES*PAGE_W{1'b0}};
      cmd_pages <= {LANES*PAGES_W{1'b0}};
      cmd_count <= {LANES*COUNT_W{1'b0}};
      cmd_tag <= {LANES*TAG_W{1'b0}};
      active <= 1'b0;
      inflight <= {INFLIGHT_W{1'b0}};
    end else begin
      q_head <= q_head_next;
      q_count <= q_count_next;
      pend_op <= pend_op_next;
      pend_planes <= pend_planes_next;
      pend_block <= pend_block_next;
      pend_page <= pend_page_next;
      pend_pages <= pend_pages_next;
      pend_count <= pend_count_next;
      pend_tag <= pend_tag_next;
      busy_tag <= busy_tag_next;
      for (l = 0; l < LANES; l = l + 1) begin
        if (wr_en[l]) begin
          q_op[wr_die[l]][wr_slot[l]] <= req_op[l*OP_W +: OP_W];
          q_planes[wr_die[l]][wr_slot[l]] <= req_planes[l*PLANES_W +: PLANES_W];
          q_block[wr_die[l]][wr_slot[l]] <= req_block[l*BLOCK_W +: BLOCK_W];
          q_page[wr_die[l]][wr_slot[l]] <= req_page[l*PAGE_W +: PAGE_W];
          q_tag[wr_die[l]][wr_slot[l]] <= req_tag[l*TAG_W +: TAG_W];
        end
      end
      pend_valid <= pend_valid_next;
      busy <= busy_next;
      cmd_valid <= cmd_valid_next;
      cmd_op <= cmd_op_next;
      cmd_channel <= cmd_channel_next;
      cmd_die <= cmd_die_next;
      cmd_planes <= cmd_planes_next;
      cmd_block <= cmd_block_next;
      cmd_page <= cmd_page_next;
      cmd_pages <= cmd_pages_next;
      cmd_count <= cmd_count_next;
      cmd_tag <= cmd_tag_next;
      active <= active_next;
      inflight <= inflight_next;
    end
  end
endmodule
