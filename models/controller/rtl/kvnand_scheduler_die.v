// kvnand_scheduler_die: one die's part of the RTL command scheduler (Verilog-2005). The top module
// kvnand_scheduler (kvnand_scheduler.v, whose header is the port contract and the reference policy)
// instantiates it once per tracked die g in a generate loop. It holds the die's circular request
// queue (storage, head, length), plans the die's page command from the queue head (policy steps
// 1-3), keeps a planned command that found no issue lane, and tracks the die's page command in
// flight. Its command (cmd_valid, cmd_*) never depends on cmd_grant: the top module assigns the
// issue lanes from the commands of all dies and answers with cmd_grant, used only at the edge.

module kvnand_scheduler_die #(
  parameter integer LANES = 8,
  parameter integer QUEUE_CAPACITY = 64
) (
  clk, rst_n,
  cfg_queue_depth, cfg_max_planes, cfg_cache_read,
  die_ready,
  req_mine, req_take, req_op, req_planes, req_block, req_page, req_tag,
  cpl_mine, cpl_tag,
  cmd_valid, cmd_grant, cmd_op, cmd_planes, cmd_block, cmd_page, cmd_pages, cmd_count, cmd_tag
);
  // Field widths and op codes as in kvnand_scheduler.v (a mismatch is a port width warning).
  localparam OP_W = 4;
  localparam PLANES_W = 64;
  localparam BLOCK_W = 32;
  localparam PAGE_W = 32;
  localparam PAGES_W = 32;
  localparam COUNT_W = 16;
  localparam TAG_W = 16;
  localparam DEPTH_W = 16;
  localparam MAXPL_W = 8;
  // Queue positions counted from the head before wrapping: below 2 * QUEUE_CAPACITY (a step-3
  // write lands behind count + arrivals, count + arrivals < depth + popped).
  localparam POS_W = DEPTH_W + 2;
  localparam SLOT_W = QUEUE_CAPACITY > 1 ? $clog2(QUEUE_CAPACITY) : 1;
  localparam LANE_W = LANES > 1 ? $clog2(LANES) : 1;
  localparam LANES_W = $clog2(LANES + 1);
  // The parameters as sized constants for the comparisons they take part in.
  localparam [POS_W-1:0]    CAPACITY_POS = QUEUE_CAPACITY[POS_W-1:0];
  localparam [DEPTH_W-1:0]  CAPACITY_DEPTH = QUEUE_CAPACITY[DEPTH_W-1:0];

  localparam [OP_W-1:0] OP_READ = 4'd0;
  localparam [OP_W-1:0] OP_ERASE = 4'd2;

  input                         clk;
  input                         rst_n;
  input  [DEPTH_W-1:0]          cfg_queue_depth;
  input  [MAXPL_W-1:0]          cfg_max_planes;
  input                         cfg_cache_read;
  input                         die_ready;      // die_ready[g]
  input  [LANES-1:0]            req_mine;       // lanes with a valid page-class request of this die
  output reg [LANES-1:0]        req_take;       // of those, the ones its queue takes at this edge
  input  [LANES*OP_W-1:0]       req_op;
  input  [LANES*PLANES_W-1:0]   req_planes;
  input  [LANES*BLOCK_W-1:0]    req_block;
  input  [LANES*PAGE_W-1:0]     req_page;
  input  [LANES*TAG_W-1:0]      req_tag;
  input  [LANES-1:0]            cpl_mine;       // valid completion lanes with a page-class op of this die
  input  [LANES*TAG_W-1:0]      cpl_tag;
  output reg                    cmd_valid;      // the die's page command for this edge (waiting or planned)
  input                         cmd_grant;      // it gets an issue lane at this edge
  output reg [OP_W-1:0]         cmd_op;
  output reg [PLANES_W-1:0]     cmd_planes;
  output reg [BLOCK_W-1:0]      cmd_block;
  output reg [PAGE_W-1:0]       cmd_page;
  output reg [PAGES_W-1:0]      cmd_pages;
  output reg [COUNT_W-1:0]      cmd_count;
  output reg [TAG_W-1:0]        cmd_tag;

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
  // The circular request queue: storage slot queue_slot(q_head, i) holds the i-th oldest request.
  reg [OP_W-1:0]     q_op     [0:QUEUE_CAPACITY-1];
  reg [PLANES_W-1:0] q_planes [0:QUEUE_CAPACITY-1];
  reg [BLOCK_W-1:0]  q_block  [0:QUEUE_CAPACITY-1];
  reg [PAGE_W-1:0]   q_page   [0:QUEUE_CAPACITY-1];
  reg [TAG_W-1:0]    q_tag    [0:QUEUE_CAPACITY-1];
  reg [SLOT_W-1:0]   q_head;
  reg [DEPTH_W-1:0]  q_count;
  // A planned page command that found no free issue lane (its requests already left the queue).
  reg                pend_valid;
  reg [OP_W-1:0]     pend_op;
  reg [PLANES_W-1:0] pend_planes;
  reg [BLOCK_W-1:0]  pend_block;
  reg [PAGE_W-1:0]   pend_page;
  reg [PAGES_W-1:0]  pend_pages;
  reg [COUNT_W-1:0]  pend_count;
  reg [TAG_W-1:0]    pend_tag;
  // The issued page command until its completion (busy_tag = its cmd_tag).
  reg                busy;
  reg [TAG_W-1:0]    busy_tag;

  // ---- next state, computed by the always @* block -------------------------------------------
  reg [SLOT_W-1:0]   q_head_next;
  reg [DEPTH_W-1:0]  q_count_next;
  reg [SLOT_W-1:0]   wr_slot [0:LANES-1];  // a taken lane's request goes to storage slot wr_slot[l]
  reg                cpl_ends;     // this edge's completions end the page command in flight

  // ---- combinational temporaries: every one gets a default at the top of the always @* block --
  reg [LANE_W-1:0]   die_lane [0:LANES-1];  // lanes of the die's page-class requests, lane order
  reg [LANES_W-1:0]  n;            // how many of them
  reg [DEPTH_W-1:0]  depth;        // cfg_queue_depth, at most QUEUE_CAPACITY
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
  integer l;

  // Entry `fpos` of the queue after step 1 into e_*: the stored requests first, then this edge's
  // step-1 arrivals (die_lane must be computed).
  task fetch(input [POS_W-1:0] fpos);
    reg [SLOT_W-1:0] at;
    reg [LANE_W-1:0] lane;
    begin
      if (fpos < {2'b00, q_count}) begin
        at = queue_slot(q_head, fpos);
        e_op = q_op[at];
        e_planes = q_planes[at];
        e_block = q_block[at];
        e_page = q_page[at];
        e_tag = q_tag[at];
      end else begin
        // The arrival index is below LANES, so its low LANE_W bits are exact.
        lane = die_lane[fpos[LANE_W-1:0] - q_count[LANE_W-1:0]];
        e_op = req_op[lane*OP_W +: OP_W];
        e_planes = req_planes[lane*PLANES_W +: PLANES_W];
        e_block = req_block[lane*BLOCK_W +: BLOCK_W];
        e_page = req_page[lane*PAGE_W +: PAGE_W];
        e_tag = req_tag[lane*TAG_W +: TAG_W];
      end
    end
  endtask

  always @* begin
    req_take = {LANES{1'b0}};
    for (l = 0; l < LANES; l = l + 1) begin
      wr_slot[l] = {SLOT_W{1'b0}};
      die_lane[l] = {LANE_W{1'b0}};
    end
    q_head_next = q_head;
    q_count_next = q_count;
    cpl_ends = 1'b0;
    n = {LANES_W{1'b0}};
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
    cmd_valid = 1'b0;
    cmd_op = {OP_W{1'b0}};
    cmd_planes = {PLANES_W{1'b0}};
    cmd_block = {BLOCK_W{1'b0}};
    cmd_page = {PAGE_W{1'b0}};
    cmd_pages = {PAGES_W{1'b0}};
    cmd_count = {COUNT_W{1'b0}};
    cmd_tag = {TAG_W{1'b0}};

    // A page-class completion with the tag of the die's page command ends it.
    for (l = 0; l < LANES; l = l + 1)
      if (cpl_mine[l] && busy && cpl_tag[l*TAG_W +: TAG_W] == busy_tag) cpl_ends = 1'b1;

    // This edge's page-class requests of the die, in lane order.
    for (l = 0; l < LANES; l = l + 1) begin
      if (req_mine[l]) begin
        die_lane[n[LANE_W-1:0]] = l[LANE_W-1:0];
        n = n + 1'b1;
      end
    end
    room = depth > q_count ? {2'b00, depth - q_count} : {POS_W{1'b0}};
    taken = {{POS_W-LANES_W{1'b0}}, n} < room ? {{POS_W-LANES_W{1'b0}}, n} : room;
    vcount = {2'b00, q_count} + taken;

    // Step 2, or the command that waits for an issue lane.
    can_plan = !pend_valid && die_ready && !(busy && !cpl_ends) && vcount != {POS_W{1'b0}};
    cmd_valid = pend_valid;
    if (pend_valid) begin
      cmd_op = pend_op;
      cmd_planes = pend_planes;
      cmd_block = pend_block;
      cmd_page = pend_page;
      cmd_pages = pend_pages;
      cmd_count = pend_count;
      cmd_tag = pend_tag;
    end
    if (can_plan) begin
      // Both runs grow from the head in one pass; the pass ends when neither can grow.
      fetch({POS_W{1'b0}});
      cmd_valid = 1'b1;
      cmd_op = e_op;
      cmd_planes = e_planes;
      cmd_block = e_block;
      cmd_page = e_page;
      cmd_tag = e_tag;
      mp_planes = e_planes;
      mp_count = {{COUNT_W-1{1'b0}}, 1'b1};
      cr_count = {{COUNT_W-1{1'b0}}, 1'b1};
      mp_run = {{COUNT_W-MAXPL_W{1'b0}}, cfg_max_planes} > mp_count;
      cr_run = e_op == OP_READ && cfg_cache_read;
      p_planes = e_planes;
      p_block = e_block;
      p_page = e_page;
      for (pos = {{POS_W-1{1'b0}}, 1'b1}; (mp_run || cr_run) && pos < vcount; pos = pos + 1'b1) begin
        fetch(pos);
        if (mp_run && e_op == cmd_op && e_block == cmd_block &&
            (cmd_op == OP_ERASE || e_page == cmd_page) && (e_planes & mp_planes) == {PLANES_W{1'b0}}) begin
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
      cmd_pages = {{PAGES_W-1{1'b0}}, 1'b1};
      cmd_count = {{COUNT_W-1{1'b0}}, 1'b1};
      if (mp_count > 1) begin
        cmd_planes = mp_planes;
        cmd_count = mp_count;
      end else if (cr_count > 1) begin
        cmd_pages = {{PAGES_W-COUNT_W{1'b0}}, cr_count};
        cmd_count = cr_count;
      end
      popped = {{POS_W-COUNT_W{1'b0}}, cmd_count};
    end

    // Steps 1 and 3: the first room + popped page-class requests of the die are taken.
    limit = room + popped;
    for (l = 0; l < LANES; l = l + 1) begin
      if (l < n && l[POS_W-1:0] < limit) begin
        req_take[die_lane[l]] = 1'b1;
        wr_slot[die_lane[l]] = queue_slot(q_head, {2'b00, q_count} + l[POS_W-1:0]);
      end
    end
    accepted = {{POS_W-LANES_W{1'b0}}, n} < limit ? {{POS_W-LANES_W{1'b0}}, n} : limit;
    if (accepted != popped)
      q_count_next = q_count + accepted[DEPTH_W-1:0] - popped[DEPTH_W-1:0];
    if (popped != {POS_W{1'b0}}) q_head_next = queue_slot(q_head, popped);
  end

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      q_head <= {SLOT_W{1'b0}};
      q_count <= {DEPTH_W{1'b0}};
      pend_valid <= 1'b0;
      pend_op <= {OP_W{1'b0}};
      pend_planes <= {PLANES_W{1'b0}};
      pend_block <= {BLOCK_W{1'b0}};
      pend_page <= {PAGE_W{1'b0}};
      pend_pages <= {PAGES_W{1'b0}};
      pend_count <= {COUNT_W{1'b0}};
      pend_tag <= {TAG_W{1'b0}};
      busy <= 1'b0;
      busy_tag <= {TAG_W{1'b0}};
    end else begin
      q_head <= q_head_next;
      q_count <= q_count_next;
      for (l = 0; l < LANES; l = l + 1) begin
        if (req_take[l]) begin
          q_op[wr_slot[l]] <= req_op[l*OP_W +: OP_W];
          q_planes[wr_slot[l]] <= req_planes[l*PLANES_W +: PLANES_W];
          q_block[wr_slot[l]] <= req_block[l*BLOCK_W +: BLOCK_W];
          q_page[wr_slot[l]] <= req_page[l*PAGE_W +: PAGE_W];
          q_tag[wr_slot[l]] <= req_tag[l*TAG_W +: TAG_W];
        end
      end
      // A command without an issue lane waits; an issued one is in flight until its completion.
      pend_valid <= cmd_valid && !cmd_grant;
      if (cmd_valid && !cmd_grant) begin
        pend_op <= cmd_op;
        pend_planes <= cmd_planes;
        pend_block <= cmd_block;
        pend_page <= cmd_page;
        pend_pages <= cmd_pages;
        pend_count <= cmd_count;
        pend_tag <= cmd_tag;
      end
      if (cmd_grant) begin
        busy <= 1'b1;
        busy_tag <= cmd_tag;
      end else if (cpl_ends) begin
        busy <= 1'b0;
      end
    end
  end
endmodule
